// Starts the real madoguchi binary for one test file: a fresh SQLite store in a temporary
// folder, the repository's procedures, templates, locales and static files, demo accounts.
// With MADOGUCHI_E2E_STORE set to a postgresql:// URL (a role that may create databases, e.g.
// the URL tests/support/pg_server.sh prints), each start instead gets a new, empty database on
// that server (CREATE DATABASE through psql, as tests/support/pg_test_database.h does through
// libpq) and the store is "postgresql://…/<that database>". The databases are not dropped
// (DROP DATABASE costs seconds of fsyncs); the throwaway server goes as a whole.
// The port is picked by the kernel (--listen 127.0.0.1:0) and read from the binary's
// "listening on" line, together with the demo accounts' generated passwords.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

// `url` with its database name replaced by `db` (query parameters kept), as
// postgres_url_with_database in tests/support/pg_test_database.h.
export function postgresUrlWithDatabase(url, db) {
  const scheme = url.indexOf('://');
  let slash = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  let query = url.indexOf('?');
  if (slash < 0) slash = url.length;
  const tail = query < 0 ? '' : url.slice(query);
  if (query < 0) query = url.length;
  return url.slice(0, Math.min(slash, query)) + '/' + db + tail;
}

// A new, empty database on the server that `serverUrl` names; returns its URL. The password
// goes to psql through PGPASSWORD, not on its command line (which any local user can read).
function createPostgresDatabase(serverUrl) {
  if (!/^postgresql:\/\//.test(serverUrl)) {
    throw new Error('MADOGUCHI_E2E_STORE must be a postgresql:// URL (SQLite is the default without it)');
  }
  const name = `e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  const u = new URL(serverUrl);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  u.password = '';
  try {
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', u.href, '-c', `CREATE DATABASE ${name}`], {
      env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8',
    });
  } catch (err) {
    throw new Error(`cannot create a database on the MADOGUCHI_E2E_STORE server: ${err.stderr || err.message}`);
  }
  return postgresUrlWithDatabase(serverUrl, name);
}

// Returns { base, store, accounts: { resident: {login, password}, 'kodomo-tanto': {...}, ... },
// output(), stop() }. proceduresDir: serve other definitions than the repository's (a test's
// copy with one translation taken out, to see the fallback marked). extraConfig: more
// madoguchi.toml lines (e.g. ['session_seconds = 20'] for the session timeout test).
export async function startServer({ proceduresDir = null, extraConfig = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'madoguchi-e2e-'));
  const config = path.join(dir, 'madoguchi.toml');
  const q = (s) => JSON.stringify(s);
  const pgServer = process.env.MADOGUCHI_E2E_STORE;
  const store = pgServer ? createPostgresDatabase(pgServer) : 'sqlite:' + path.join(dir, 'madoguchi.db');
  writeFileSync(config, [
    `store = ${q(store)}`,
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
    store,  // the store URL this server uses (sqlite:… or postgresql://…)
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
