// Signs checkpoints of the audit log's Merkle tree and appends them to the
// checkpoints file (checkpoint_file.h): when the log has grown by a number of
// entries, at least once per interval while entries arrive, on request, and
// when the archive closes. Reads the catalog through connections of its own.
#ifndef BEIAN_ARCHIVE_SRC_CHECKPOINT_SIGNER_H_
#define BEIAN_ARCHIVE_SRC_CHECKPOINT_SIGNER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "beian/archive/archive.h"
#include "beian/core/signing.h"
#include "beian/core/status.h"
#include "sql.h"

namespace beian::archive {

class CheckpointSigner {
 public:
  struct Options {
    DatabaseOpener open;  // connections to the catalog
    std::string file;     // the checkpoints file
    int every_entries = 256;
    std::chrono::milliseconds interval{60000};  // 0: no timer
    std::function<std::string()> now;  // null: NowInBeijing
    // Makes every committed catalog change durable (the log's fsync): a
    // checkpoint never covers an entry a crash could still take back.
    std::function<core::Status()> sync_catalog;
  };

  static core::Result<std::unique_ptr<CheckpointSigner>> Start(
      Options options, core::SigningKey key);
  // Stops the timer and signs the entries appended since the last checkpoint
  // (a failure is written to stderr: nothing else is lost with it).
  ~CheckpointSigner();
  CheckpointSigner(const CheckpointSigner&) = delete;
  CheckpointSigner& operator=(const CheckpointSigner&) = delete;

  const core::VerifyingKey& key() const { return key_.public_key(); }

  // Called after an audit entry `seq` was appended: wakes the timer once
  // every_entries have come since the last checkpoint.
  void Appended(int64_t seq);

  // Signs the current tree head if the log has grown since the last
  // checkpoint (see Archive::WriteCheckpoint); the latest checkpoint.
  core::Result<core::Checkpoint> Sign();

  // The inclusion proof of entry `seq` in the latest checkpoint, signing one
  // first if it does not reach `seq`.
  core::Result<AuditProof> Prove(int64_t seq);

 private:
  CheckpointSigner(Options options, core::SigningKey key, std::unique_ptr<Database> reader,
                   std::unique_ptr<Database> writer);
  void TimerLoop();
  // Sign() with mu_ held.
  core::Result<core::Checkpoint> SignLocked();

  const Options options_;
  const core::SigningKey key_;

  std::mutex mu_;
  const std::unique_ptr<Database> reader_;  // guarded by mu_
  const std::unique_ptr<Database> writer_;  // guarded by mu_; records checkpoint_state
  std::optional<core::Checkpoint> last_;  // guarded by mu_

  std::atomic<int64_t> signed_size_{0};
  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;  // guarded by timer_mu_
  bool due_ = false;       // guarded by timer_mu_
  std::thread timer_;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_CHECKPOINT_SIGNER_H_
