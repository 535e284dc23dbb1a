// The storage checks of verify, independent of the catalog's database: an
// implementation feeds it the audit log, then the rows, then the blob listing,
// all from one consistent snapshot.
#ifndef BEIAN_ARCHIVE_SRC_VERIFIER_H_
#define BEIAN_ARCHIVE_SRC_VERIFIER_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "beian/archive/blob_store.h"
#include "beian/archive/records.h"
#include "beian/archive/verify_report.h"
#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "checkpoint_file.h"

namespace beian::archive {

// Memory grows with the catalog: about 200 bytes per document and per distinct
// blob. Not thread-safe.
class Verifier {
 public:
  // `progress` may be null.
  Verifier(const BlobStore& blobs, VerifyProgress progress);

  // The number of items (audit rows + rows + blob files) for progress.
  void SetTotal(int64_t total) { total_ = total; }

  // Before phase 2 (optional): re-hashes these blob files on `threads`
  // threads at once, so that the rows naming them only look the answers up.
  void RehashBlobs(const std::vector<std::string>& names, int threads);

  // Phase 1, in seq order.
  void AddAuditEntry(const AuditEntry& entry);
  // After the last entry: the head recorded beside the log (head_seq -1 when
  // that record is missing).
  void FinishAudit(int64_t head_seq, const std::string& head_hash);

  // The log's Merkle tree as stored, in (level, index) order; then
  // FinishMerkleTree. After FinishAudit.
  void AddMerkleNode(int level, int64_t index, std::string_view hash);
  void FinishMerkleTree();

  // The checkpoints file (kNotFound if it is missing), the key the archive
  // signs with, and the last checkpoint the catalog recorded (size 0 if
  // none). After FinishAudit.
  void CheckCheckpoints(core::Result<CheckpointFile> file,
                        const core::VerifyingKey& key, int64_t recorded_size,
                        const std::string& recorded_line);
  // That the log extends `since` (after CheckCheckpoints).
  void CheckSince(const KeptCheckpoint& since, const core::VerifyingKey& key);

  // Phase 2: every document (before any signed copy or reprint), then every
  // signed copy and reprint.
  void AddDocument(const Document& document);
  void AddSignedCopy(const SignedCopy& copy);
  void AddReprint(const Reprint& reprint);
  void AddAccessToken(const AccessToken& token);
  void AddUser(const User& user);
  // The register of serials (after every document): a number_counters row,
  // a number_allocations row, a number_voids row.
  void AddNumberCounter(const std::string& district, int64_t year,
                        int64_t next_serial);
  void AddAllocation(const std::string& district, int64_t year, int64_t serial,
                     const std::string& number);
  void AddVoid(const std::string& district, int64_t year, int64_t serial,
               const std::string& number, const std::string& allocated_at,
               const std::string& reason);
  // A row the implementation could not read; `number` may be empty.
  void AddUnreadableRow(const std::string& number, const std::string& message);

  // Phase 3: rows named by the audit log but not seen, every serial of every
  // counter accounted for, then the blob tree.
  void FinishRows();
  void FinishNumbers();
  void CheckBlobTree(const BlobListing& listing);

  // The report so far.
  VerifyReport TakeReport() { return std::move(report_); }

 private:
  using Digest = std::array<uint8_t, 32>;
  struct DigestHash {
    size_t operator()(const Digest& d) const;
  };
  // What the audit log says a row must be.
  struct AuditedRow {
    Digest row_digest{};
    int64_t seq = 0;
    std::string number;             // documents only
    std::string status = "issued";  // documents only
    // Documents only: the lifecycle fields as the log set them, in the order
    // of kLifecycleFields.
    std::array<std::string, 6> lifecycle;
  };
  // A district and year's register of serials.
  using Register = std::tuple<std::string, int64_t>;  // district, year
  struct AuditedVoid {
    int64_t seq = 0;
    std::string number, allocated_at, reason;
  };
  struct Serials {
    int64_t next_serial = 0;  // 0: no counter row
    std::map<int64_t, std::string> documents;  // serial → number
    std::map<int64_t, std::string> voids;
    std::map<int64_t, std::string> allocations;
  };
  struct DocumentRef {
    std::string number;
    std::string sha256;
    int64_t bytes = 0;
  };
  struct BlobState {
    bool readable = false;
    bool sha256_ok = false;
    bool referenced = false;  // a row names it
    Digest sm3{};
    int64_t size = 0;
    std::string error;  // why it could not be read
  };

  void Tick();
  void Problem(FindingKind kind, std::string number, std::string blob,
               int64_t seq, std::string message);
  // A token's or user's row against the digest its latest audit entry
  // recorded (`rows`), which it then leaves.
  void CheckAuditedRow(std::unordered_map<int64_t, AuditedRow>& rows, int64_t id, const std::string& row_digest,
                       const std::string& what);
  void RecordAuditRefs(const AuditEntry& entry);
  // The blob's state from its bytes (thread-safe: reads the store only).
  BlobState Rehashed(const std::string& sha256);
  // Checks the blob a row names; returns the state (nullptr if unreadable).
  const BlobState* CheckBlob(const std::string& sha256, const std::string& sm3,
                             int64_t bytes, const std::string& number,
                             const std::string& what);
  std::string NumberOf(int64_t document_id) const;

  const BlobStore& blobs_;
  VerifyProgress progress_;
  int64_t total_ = 0;
  int64_t done_ = 0;
  VerifyReport report_;

  void MerkleNodeDiffers(int64_t index);
  // The notice that the log has entries and no checkpoint covers any.
  void ReportNoneSigned();
  // Reports the current level's nodes not seen and moves up one level.
  void NextMerkleLevel();
  // Names the first entry where the first `n` of `trusted` (the leaves a
  // checkpoint of n entries covered) and the log differ, as kLogRewritten,
  // or the first one gone, as kLogTruncated; false if the log extends them.
  bool ReportFirstDifference(const std::vector<core::MerkleHash>& trusted, size_t n,
                             const std::string& what);

  int64_t expected_seq_ = 1;
  std::vector<core::MerkleHash> leaves_;  // the log's, in seq order
  // FinishMerkleTree's state: the level being compared, its expected
  // hashes, and the next index expected.
  int merkle_level_ = 0;
  std::vector<core::MerkleHash> merkle_row_;
  int64_t merkle_next_ = 0;
  int64_t merkle_mismatches_ = 0;
  int64_t merkle_first_seq_ = 0;
  std::string merkle_first_mismatch_;
  // The checkpoints file's leaves, whatever signed them.
  std::vector<core::MerkleHash> file_leaves_;
  int64_t file_size_ = 0;  // entries the file's last checkpoint covers
  std::string prev_hash_;
  std::unordered_map<int64_t, AuditedRow> audited_documents_;
  std::unordered_map<int64_t, AuditedRow> audited_copies_;
  std::unordered_map<int64_t, AuditedRow> audited_reprints_;
  std::unordered_map<int64_t, AuditedRow> audited_tokens_;  // latest entry
  std::unordered_map<int64_t, AuditedRow> audited_users_;   // latest entry
  std::unordered_map<int64_t, DocumentRef> documents_;
  std::map<std::tuple<std::string, int64_t, int64_t>, AuditedVoid>
      audited_voids_;  // by district, year, serial
  std::map<Register, Serials> registers_;
  std::unordered_map<Digest, BlobState, DigestHash> blob_states_;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_VERIFIER_H_
