#include "store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace madoguchi::store {

Status WalSyncer::wait_durable() {
  std::unique_lock lock(mu_);
  if (!failure_.empty()) return Status::Io(failure_);
  const uint64_t ticket = ++requested_;
  while (durable_ < ticket) {
    if (!failure_.empty()) return Status::Io(failure_);
    if (syncing_) {
      cv_.wait(lock);
      continue;
    }
    // Lead one fsync for every ticket handed out so far; those who arrive while it runs wait
    // for the next one, which the first of them to wake up leads.
    syncing_ = true;
    const uint64_t target = requested_;
    lock.unlock();
    Status s = sync_();
    lock.lock();
    syncing_ = false;
    ++syncs_;
    if (!s.ok()) failure_ = "WAL fsync failed, nothing more is acknowledged: " + s.message();
    else durable_ = target;
    cv_.notify_all();
  }
  return Status::Ok();
}

uint64_t WalSyncer::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

namespace {

Status fsync_path(const std::string& path, bool directory, ino_t* inode) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return Status::Io("open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (inode && ::fstat(fd, &st) == 0) *inode = st.st_ino;
  int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Io("fsync " + path + ": " + std::strerror(err));
  return Status::Ok();
}

}  // namespace

std::function<Status()> wal_file_sync(const std::string& db_path) {
  struct State {
    std::string wal;
    std::string dir;
    ino_t synced_inode = 0;  // only touched by the one thread leading a sync
  };
  auto state = std::make_shared<State>();
  state->wal = db_path + "-wal";
  auto parent = std::filesystem::path(db_path).parent_path();
  state->dir = parent.empty() ? "." : parent.string();
  return [state]() -> Status {
    ino_t inode = 0;
    Status s = fsync_path(state->wal, false, &inode);
    if (!s.ok()) {
      // No WAL file at all means every commit has been checkpointed into the database file,
      // and checkpoints fsync the database file before the WAL can be removed.
      struct stat st {};
      if (::stat(state->wal.c_str(), &st) != 0 && errno == ENOENT) return Status::Ok();
      return s;
    }
    if (inode != state->synced_inode) {
      if (Status d = fsync_path(state->dir, true, nullptr); !d.ok()) return d;
      state->synced_inode = inode;
    }
    return Status::Ok();
  };
}

}  // namespace madoguchi::store
