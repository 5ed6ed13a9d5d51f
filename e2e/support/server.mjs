// Starts the real madoguchi binary for one test file: a fresh SQLite store in a temporary
// folder, the repository's procedures, templates, locales and static files, demo accounts.
// The port is picked by the kernel (--listen 127.0.0.1:0) and read from the binary's
// "listening on" line, together with the demo accounts' generated passwords.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function binaryPath() {
  const bin = process.env.MADOGUCHI_BINARY || path.join(repo, 'build', 'madoguchi');
  if (!existsSync(bin)) {
    throw new Error(`madoguchi binary not found at ${bin}: run scripts/setup or set MADOGUCHI_BINARY`);
  }
  return bin;
}

// Returns { base, accounts: { resident: {login, password}, 'kodomo-tanto': {...}, ... },
// output(), stop() }. proceduresDir: serve other definitions than the repository's (a test's
// copy with one translation taken out, to see the fallback marked). extraConfig: more
// madoguchi.toml lines (e.g. ['session_seconds = 20'] for the session timeout test).
export async function startServer({ proceduresDir = null, extraConfig = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'madoguchi-e2e-'));
  const config = path.join(dir, 'madoguchi.toml');
  const q = (s) => JSON.stringify(s);
  writeFileSync(config, [
    `store = ${q('sqlite:' + path.join(dir, 'madoguchi.db'))}`,
    `procedures = ${q(proceduresDir || path.join(repo, 'procedures'))}`,
    `templates = ${q(path.join(repo, 'templates'))}`,
    `locales = ${q(path.join(repo, 'locales'))}`,
    `static = ${q(process.env.MADOGUCHI_STATIC || path.join(repo, 'static'))}`,  // override: to try a broken stylesheet
    `holidays = ${q(path.join(repo, 'generated', 'holidays.tsv'))}`,
    // The small committed extract (scripts/gen-postal.mjs --extract), as in the C++ tests.
    `postal = ${q(path.join(repo, 'tests', 'data', 'postal.tsv'))}`,
    'threads = 2',
    ...extraConfig,
    '',
  ].join('\n'));

  const child = spawn(binaryPath(), ['--config', config, '--listen', '127.0.0.1:0', 'serve', '--demo'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.setEncoding('utf8');

  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`madoguchi did not start in 60 s\n${stdout}\n${stderr}`)), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`madoguchi exited with ${code} before listening\n${stdout}\n${stderr}`));
    });
  });
  const base = await started;

  const accounts = {};
  for (const line of stdout.split('\n')) {
    const m = line.match(/^demo (?:staff|resident)\s.*?login: (\S+)\s+password: (\S+)/);
    if (m) accounts[m[1]] = { login: m[1], password: m[2] };
  }
  if (!accounts.resident || !accounts['kodomo-tanto']) {
    throw new Error(`demo accounts not printed:\n${stdout}`);
  }

  return {
    base,
    accounts,
    output: () => stdout + stderr,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
