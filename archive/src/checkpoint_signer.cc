#include "checkpoint_signer.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <utility>

#include "audit_rows.h"
#include "beian/archive/catalog_archive.h"
#include "beian/core/log.h"
#include "checkpoint_file.h"
#include "merkle_store.h"

namespace beian::archive {
namespace {

// The stored leaves [from, to) in order.
core::Result<std::vector<core::MerkleHash>> StoredLeaves(Database& db,
                                                         uint64_t from,
                                                         uint64_t to) {
  std::vector<core::MerkleHash> leaves;
  leaves.reserve(to - from);
  const core::MerkleNodeSource nodes = StoredMerkleNodes(db);
  for (uint64_t i = from; i < to; ++i) {
    BEIAN_ASSIGN_OR_RETURN(const core::MerkleHash leaf, nodes(0, i));
    leaves.push_back(leaf);
  }
  return leaves;
}

}  // namespace

core::Result<std::unique_ptr<CheckpointSigner>> CheckpointSigner::Start(
    Options options, core::SigningKey key) {
  if (!options.now) options.now = NowInBeijing;
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, options.open(/*read_only=*/true));
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> writer, options.open(/*read_only=*/false));
  std::unique_ptr<CheckpointSigner> signer(new CheckpointSigner(
      std::move(options), std::move(key), std::move(reader), std::move(writer)));
  {
    std::lock_guard<std::mutex> lock(signer->mu_);
    core::Result<CheckpointTail> tail = ReadCheckpointTail(signer->options_.file);
    if (tail.ok() && tail->last) {
      signer->last_ = tail->last;
      signer->signed_size_ = static_cast<int64_t>(tail->last->size);
    }
  }
  if (signer->options_.interval.count() > 0) {
    // Signals are for the threads of whoever runs the archive (a server
    // waits for SIGTERM on its own): the timer starts with all of them
    // blocked, so none is ever delivered to it.
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &before);
    signer->timer_ = std::thread([s = signer.get()] { s->TimerLoop(); });
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
  }
  return signer;
}

CheckpointSigner::CheckpointSigner(Options options, core::SigningKey key,
                                   std::unique_ptr<Database> reader, std::unique_ptr<Database> writer)
    : options_(std::move(options)),
      key_(std::move(key)),
      reader_(std::move(reader)),
      writer_(std::move(writer)) {}

CheckpointSigner::~CheckpointSigner() {
  {
    std::lock_guard<std::mutex> lock(timer_mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  core::Result<core::Checkpoint> last = Sign();
  if (!last.ok() && last.status().code() != core::Code::kNotFound) {
    core::Log(core::LogLevel::kError, "checkpoint_failed", "no checkpoint signed on close: " + last.status().ToString());
  }
}

void CheckpointSigner::Appended(int64_t seq) {
  if (seq - signed_size_.load(std::memory_order_relaxed) < options_.every_entries) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(timer_mu_);
    due_ = true;
  }
  timer_cv_.notify_one();
}

void CheckpointSigner::TimerLoop() {
  std::unique_lock<std::mutex> lock(timer_mu_);
  while (!stopping_) {
    timer_cv_.wait_for(lock, options_.interval, [&] { return stopping_ || due_; });
    if (stopping_) break;
    due_ = false;
    lock.unlock();
    core::Result<core::Checkpoint> signed_head = Sign();
    if (!signed_head.ok() && signed_head.status().code() != core::Code::kNotFound) {
      core::Log(core::LogLevel::kError, "checkpoint_failed", "checkpoint not signed: " + signed_head.status().ToString());
    }
    lock.lock();
  }
}

core::Result<core::Checkpoint> CheckpointSigner::Sign() {
  std::lock_guard<std::mutex> lock(mu_);
  return SignLocked();
}

core::Result<core::Checkpoint> CheckpointSigner::SignLocked() {
  // One process of the catalog signs at a time (on PostgreSQL, whichever
  // node gets the lock; the file is shared).
  CatalogLockGuard one_signer(*writer_, CatalogLock::kCheckpoints);
  BEIAN_RETURN_IF_ERROR(one_signer.Take());
  // Another process may append too: re-read and retry when it did.
  for (int attempt = 0;; ++attempt) {
    CheckpointTail tail;
    if (core::Result<CheckpointTail> read = ReadCheckpointTail(options_.file);
        read.ok()) {
      tail = std::move(*read);
    } else if (read.status().code() != core::Code::kNotFound) {
      return read.status();
    }
    if (tail.last) {
      if (core::Status own = core::VerifyCheckpoint(*tail.last, key_.public_key());
          !own.ok()) {
        return core::FailedPrecondition(
            "the last checkpoint in " + options_.file +
            " is not this archive's: " + own.message() + "; run verify");
      }
    }
    const uint64_t before = tail.last ? tail.last->size : 0;

    std::vector<core::MerkleHash> leaves;
    core::MerkleHash root{};
    uint64_t size = 0;
    {
      Transaction snapshot(*reader_);
      BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
      BEIAN_ASSIGN_OR_RETURN(
          const int64_t recorded,
          reader_->QueryInt("SELECT coalesce((SELECT size FROM checkpoint_state), 0)"));
      if (static_cast<uint64_t>(recorded) > before) {
        return core::FailedPrecondition(
            options_.file + (tail.last ? " ends at a checkpoint of " +
                                             std::to_string(before) + " entries"
                                       : std::string(" is gone or empty")) +
            ", but the catalog recorded one of " + std::to_string(recorded) +
            ": restore the file from a backup; run verify");
      }
      BEIAN_ASSIGN_OR_RETURN(size, StoredMerkleSize(*reader_));
      if (size < before) {
        return core::FailedPrecondition(
            "the audit log has " + std::to_string(size) +
            " entries, fewer than the last checkpoint's " +
            std::to_string(before) + ": entries were deleted; run verify");
      }
      const core::MerkleNodeSource nodes = StoredMerkleNodes(*reader_);
      if (tail.last) {
        BEIAN_ASSIGN_OR_RETURN(const core::MerkleHash then,
                               core::MerkleRootOf(before, nodes));
        if (then != tail.last->root) {
          return core::FailedPrecondition(
              "the audit log no longer extends the checkpoint of " +
              std::to_string(before) + " entries: entries were rewritten; "
              "run verify");
        }
        if (size == before) {
          last_ = tail.last;
          return *tail.last;
        }
      } else if (size == 0) {
        return core::NotFound("the audit log is empty: nothing to sign yet");
      }
      BEIAN_ASSIGN_OR_RETURN(leaves, StoredLeaves(*reader_, before, size));
      BEIAN_ASSIGN_OR_RETURN(root, core::MerkleRootOf(size, nodes));
      BEIAN_RETURN_IF_ERROR(snapshot.Commit());
    }
    // Durable before signed: a crash must not leave a checkpoint covering
    // entries the catalog lost.
    if (options_.sync_catalog) BEIAN_RETURN_IF_ERROR(options_.sync_catalog());
    BEIAN_ASSIGN_OR_RETURN(core::Checkpoint checkpoint,
                           core::SignCheckpoint(size, root, options_.now(), key_));
    core::Status appended = AppendCheckpoint(
        options_.file, tail, static_cast<int64_t>(before) + 1, leaves, checkpoint);
    if (!appended.ok()) {
      if (appended.code() == core::Code::kFailedPrecondition && attempt < 3) continue;
      return appended;
    }
    {
      Transaction txn(*writer_);
      BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
      BEIAN_ASSIGN_OR_RETURN(
          Statement s,
          writer_->Prepare("INSERT INTO checkpoint_state (id, size, line) VALUES "
                          "(1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET size = "
                          "excluded.size, line = excluded.line WHERE "
                          "excluded.size > checkpoint_state.size"));
      s.BindInt(1, static_cast<int64_t>(size)).BindText(2, checkpoint.Line());
      BEIAN_RETURN_IF_ERROR(s.Run());
      BEIAN_RETURN_IF_ERROR(txn.Commit());
    }
    last_ = checkpoint;
    signed_size_ = static_cast<int64_t>(size);
    return checkpoint;
  }
}

core::Result<AuditProof> CheckpointSigner::Prove(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!last_ || last_->size < static_cast<uint64_t>(seq)) {
    BEIAN_RETURN_IF_ERROR(SignLocked().status());
  }
  if (!last_ || last_->size < static_cast<uint64_t>(seq)) {
    return core::Internal("no checkpoint covers audit entry " + std::to_string(seq));
  }
  AuditProof proof;
  proof.checkpoint = *last_;
  Transaction snapshot(*reader_);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        reader_->Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE seq = ?1"));
    s.BindInt(1, seq);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return core::NotFound("no audit entry " + std::to_string(seq));
    proof.entry = ReadAuditEntry(s);
  }
  proof.leaf_data = AuditLeafData(proof.entry);
  BEIAN_ASSIGN_OR_RETURN(
      proof.path,
      core::MerkleInclusionProof(static_cast<uint64_t>(seq - 1),
                                 proof.checkpoint.size, StoredMerkleNodes(*reader_)));
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  // Never hand out a proof that does not hold (a catalog edited since).
  if (core::Status holds = core::VerifyMerkleInclusion(
          static_cast<uint64_t>(seq - 1), proof.checkpoint.size,
          core::MerkleLeafHash(proof.leaf_data), proof.path, proof.checkpoint.root);
      !holds.ok()) {
    return core::FailedPrecondition("audit entry " + std::to_string(seq) +
                                    " is not the one the checkpoint signed: " +
                                    holds.message() + "; run verify");
  }
  return proof;
}

}  // namespace beian::archive
