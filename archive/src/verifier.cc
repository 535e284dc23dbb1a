#include "verifier.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <cstring>
#include <utility>

#include "beian/archive/document_number.h"
#include "beian/core/json.h"
#include "merkle_store.h"
#include "row_digest.h"

namespace beian::archive {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Parses 64 lowercase hex chars; false for anything else.
template <typename Digest>
bool ParseDigest(std::string_view hex, Digest* out) {
  if (hex.size() != 64) return false;
  for (size_t i = 0; i < 32; ++i) {
    const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string SeqText(int64_t seq) { return "audit seq " + std::to_string(seq); }

// The tree head of the first `n` of `leaves` (n <= leaves.size()).
core::MerkleHash PrefixRoot(const std::vector<core::MerkleHash>& leaves, size_t n) {
  core::MerkleFrontier tree;
  for (size_t i = 0; i < n; ++i) tree.Append(leaves[i]);
  return tree.Root();
}

}  // namespace

size_t Verifier::DigestHash::operator()(const Digest& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof h);  // already uniformly distributed
  return h;
}

Verifier::Verifier(const BlobStore& blobs, VerifyProgress progress)
    : blobs_(blobs),
      progress_(std::move(progress)),
      prev_hash_(GenesisHash()) {}

void Verifier::Tick() {
  ++done_;
  if (done_ > total_) total_ = done_;
  if (progress_) progress_(done_, total_);
}

void Verifier::Problem(FindingKind kind, std::string number, std::string blob,
                       int64_t seq, std::string message) {
  Finding finding{kind, std::move(number), std::move(blob), seq,
                  std::move(message)};
  if (IsProblem(kind)) {
    report_.problems.push_back(std::move(finding));
  } else {
    report_.notices.push_back(std::move(finding));
  }
}

void Verifier::AddAuditEntry(const AuditEntry& e) {
  ++report_.audit_rows;
  if (e.seq > expected_seq_) {
    Problem(FindingKind::kAuditRowMissing, "", "", expected_seq_,
            e.seq == expected_seq_ + 1
                ? "audit row " + std::to_string(expected_seq_) +
                      " is missing (deleted)"
                : "audit rows " + std::to_string(expected_seq_) + " to " +
                      std::to_string(e.seq - 1) + " are missing (deleted)");
  } else if (e.prev_hash != prev_hash_) {
    Problem(FindingKind::kAuditChainBroken, "", "", e.seq,
            "audit row " + std::to_string(e.seq) +
                ": prev_hash is not the hash of row " +
                std::to_string(e.seq - 1) +
                " (rows reordered, replaced or rewritten)");
  }
  if (AuditEntryHash(e) != e.hash) {
    Problem(FindingKind::kAuditRowEdited, e.subject, "", e.seq,
            "audit row " + std::to_string(e.seq) + " (" + e.action + " " +
                e.subject +
                "): hash does not match its content (edited or "
                "moved)");
  }
  prev_hash_ = e.hash;
  expected_seq_ = e.seq + 1;
  leaves_.push_back(AuditLeafHash(e));
  RecordAuditRefs(e);
  Tick();
}

void Verifier::RecordAuditRefs(const AuditEntry& e) {
  if (!IsArchiveAction(e.action)) return;
  auto invalid = [&](const std::string& why) {
    Problem(
        FindingKind::kAuditDetailInvalid, e.subject, "", e.seq,
        "audit row " + std::to_string(e.seq) + " (" + e.action + "): " + why);
  };
  core::Result<core::Json> parsed = core::ParseJson(e.detail);
  if (!parsed.ok() || !parsed->is_object()) {
    invalid("detail is not a JSON object");
    return;
  }
  const core::Json& detail = *parsed;
  auto id_of = [&](std::string_view key) -> int64_t {
    const core::Json* v = detail.Find(key);
    return v != nullptr && v->is_integer() ? v->as_int() : 0;
  };
  auto text_of = [&](std::string_view key) -> std::string {
    const core::Json* v = detail.Find(key);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  // A token or user row: created once, then superseded by each later entry.
  auto record_row = [&](std::unordered_map<int64_t, AuditedRow>& rows, const char* id_key, const char* what,
                        bool creates) {
    const int64_t id = id_of(id_key);
    AuditedRow row;
    row.seq = e.seq;
    if (id <= 0 || !ParseDigest(text_of("row_sha256"), &row.row_digest)) {
      invalid(std::string("detail lacks ") + id_key + " or row_sha256");
      return;
    }
    const bool known = rows.count(id) != 0;
    if (known == creates) {
      invalid(std::string(what) + " " + std::to_string(id) +
              (known ? " was already created by an earlier row" : " is changed but was never created"));
    }
    rows[id] = row;
  };
  if (e.action == kActionTokenCreate || e.action == kActionTokenRevoke) {
    record_row(audited_tokens_, "token_id", "access token", e.action == kActionTokenCreate);
    return;
  }
  if (e.action == kActionUserCreate || e.action == kActionUserDisable || e.action == kActionUserPassword) {
    record_row(audited_users_, "user_id", "user", e.action == kActionUserCreate);
    return;
  }
  if (e.action == kActionVoidNumber) {
    const core::Json* year = detail.Find("year");
    const core::Json* serial = detail.Find("serial");
    const std::string district = text_of("district");
    if (district.empty() || year == nullptr || !year->is_integer() ||
        serial == nullptr || !serial->is_integer()) {
      invalid("detail lacks district, year or serial");
      return;
    }
    const AuditedVoid audited{e.seq, text_of("number"),
                              text_of("allocated_at"), text_of("reason")};
    if (!audited_voids_
             .emplace(std::make_tuple(district, year->as_int(),
                                      serial->as_int()),
                      audited)
             .second) {
      invalid("serial " + std::to_string(serial->as_int()) + " of " +
              district + " " + std::to_string(year->as_int()) +
              " was voided by an earlier row");
    }
    return;
  }
  const int64_t document_id = id_of("document_id");
  if (document_id <= 0) {
    invalid("detail lacks document_id");
    return;
  }
  AuditedRow row;
  row.seq = e.seq;
  if (e.action == kActionSetStatus) {
    auto it = audited_documents_.find(document_id);
    if (it == audited_documents_.end()) return;
    it->second.status = text_of("to");
    // Entries written before schema 4 carry none of these (their "reason"
    // was not stored in the row).
    for (size_t i = 0; i < std::size(kLifecycleFields); ++i) {
      const core::Json* value = detail.Find(kLifecycleFields[i]);
      if (value != nullptr && value->is_string()) {
        it->second.lifecycle[i] = value->as_string();
      }
    }
    return;
  }
  if (!ParseDigest(text_of("row_sha256"), &row.row_digest)) {
    invalid("detail lacks row_sha256");
    return;
  }
  if (e.action == kActionAttachOfd) {
    // The document's row now holds its OFD: the digest to compare is this one.
    auto it = audited_documents_.find(document_id);
    if (it == audited_documents_.end()) {
      invalid("document id " + std::to_string(document_id) + " was never ingested");
    } else {
      it->second.row_digest = row.row_digest;
      it->second.seq = e.seq;
    }
    return;
  }
  if (e.action == kActionIngest) {
    row.number = text_of("number");
    row.status = text_of("status");
    if (!audited_documents_.emplace(document_id, row).second) {
      invalid("document id " + std::to_string(document_id) +
              " was already ingested by an earlier row");
    }
    return;
  }
  const char* id_key =
      e.action == kActionAttach ? "signed_copy_id" : "reprint_id";
  const int64_t id = id_of(id_key);
  if (id <= 0) {
    invalid(std::string("detail lacks ") + id_key);
    return;
  }
  auto& rows = e.action == kActionAttach ? audited_copies_ : audited_reprints_;
  if (!rows.emplace(id, row).second) {
    invalid(std::string(id_key) + " " + std::to_string(id) +
            " appears in an earlier row too");
  }
  if (e.action == kActionAttach) {
    const std::string status = text_of("status");
    auto it = audited_documents_.find(document_id);
    if (!status.empty() && it != audited_documents_.end()) {
      it->second.status = status;
    }
  }
}

void Verifier::FinishAudit(int64_t head_seq, const std::string& head_hash) {
  const int64_t last = expected_seq_ - 1;
  report_.audit_head_seq = last;
  report_.audit_head_hash = prev_hash_;
  report_.merkle_root = core::MerkleHashHex(core::MerkleRoot(leaves_));
  merkle_row_ = leaves_;
  if (head_seq < 0) {
    Problem(FindingKind::kAuditHeadMismatch, "", "", 0,
            "the record of the audit chain's last row (audit_head) is gone");
  } else if (head_seq > last) {
    Problem(FindingKind::kAuditRowMissing, "", "", last + 1,
            head_seq == last + 1
                ? "audit row " + std::to_string(head_seq) +
                      ", the last one, is missing (deleted)"
                : "audit rows " + std::to_string(last + 1) + " to " +
                      std::to_string(head_seq) +
                      " at the end of the log are missing (deleted)");
  } else if (head_seq < last) {
    Problem(FindingKind::kAuditHeadMismatch, "", "", head_seq + 1,
            "audit rows after " + std::to_string(head_seq) +
                " were not appended by the archive");
  } else if (head_hash != prev_hash_) {
    Problem(FindingKind::kAuditHeadMismatch, "", "", head_seq,
            "audit row " + std::to_string(head_seq) +
                " is not the row the archive appended last (rewritten)");
  }
}

void Verifier::MerkleNodeDiffers(int64_t index) {
  if (merkle_mismatches_++ == 0) {
    merkle_first_seq_ = (index << merkle_level_) + 1;
    merkle_first_mismatch_ = "level " + std::to_string(merkle_level_) +
                             " node " + std::to_string(index) +
                             " (entries from " +
                             std::to_string((index << merkle_level_) + 1) + ")";
  }
}

void Verifier::NextMerkleLevel() {
  for (int64_t i = merkle_next_; i < static_cast<int64_t>(merkle_row_.size()); ++i) {
    MerkleNodeDiffers(i);  // never stored
  }
  std::vector<core::MerkleHash> parents(merkle_row_.size() / 2);
  for (size_t i = 0; i < parents.size(); ++i) {
    parents[i] = core::MerkleNodeHash(merkle_row_[2 * i], merkle_row_[2 * i + 1]);
  }
  merkle_row_ = std::move(parents);
  ++merkle_level_;
  merkle_next_ = 0;
}

void Verifier::AddMerkleNode(int level, int64_t index, std::string_view hash) {
  while (level > merkle_level_) NextMerkleLevel();
  if (level < merkle_level_ || index < merkle_next_) return;  // not in order
  const int64_t size = static_cast<int64_t>(merkle_row_.size());
  for (int64_t i = merkle_next_; i < index && i < size; ++i) MerkleNodeDiffers(i);
  core::MerkleHash stored{};
  if (index >= size || hash.size() != stored.size()) {
    MerkleNodeDiffers(index);  // beyond the log, or malformed
  } else {
    std::memcpy(stored.data(), hash.data(), stored.size());
    if (stored != merkle_row_[static_cast<size_t>(index)]) MerkleNodeDiffers(index);
  }
  merkle_next_ = index + 1;
}

void Verifier::FinishMerkleTree() {
  while (!merkle_row_.empty()) NextMerkleLevel();
  if (merkle_mismatches_ > 0) {
    Problem(FindingKind::kMerkleTreeMismatch, "", "", merkle_first_seq_,
            "the catalog's Merkle tree differs from the tree of its audit "
            "entries at " + std::to_string(merkle_mismatches_) +
                " node(s), first at " + merkle_first_mismatch_ +
                ": proofs from it would not hold");
  }
}

bool Verifier::ReportFirstDifference(const std::vector<core::MerkleHash>& trusted, size_t n,
                                     const std::string& what) {
  const size_t m = leaves_.size();
  for (size_t i = 0; i < n && i < m; ++i) {
    if (trusted[i] != leaves_[i]) {
      const int64_t seq = static_cast<int64_t>(i) + 1;
      Problem(FindingKind::kLogRewritten, "", "", seq,
              "audit entry " + std::to_string(seq) + " is not the entry " + what +
                  " covered: it was rewritten, or entries before it were "
                  "deleted or inserted");
      return true;
    }
  }
  if (m < n) {
    Problem(FindingKind::kLogTruncated, "", "", static_cast<int64_t>(m) + 1,
            "audit entries " + std::to_string(m + 1) + " to " + std::to_string(n) +
                ", covered by " + what + ", are gone (deleted)");
    return true;
  }
  return false;
}

void Verifier::ReportNoneSigned() {
  if (leaves_.empty()) return;
  Problem(FindingKind::kEntriesUnsigned, "", "", 1,
          "no checkpoint has been signed yet: entries 1 to " + std::to_string(leaves_.size()) +
              " are in none");
}

void Verifier::CheckCheckpoints(core::Result<CheckpointFile> file,
                                const core::VerifyingKey& key,
                                int64_t recorded_size,
                                const std::string& recorded_line) {
  if (!file.ok()) {
    if (file.status().code() != core::Code::kNotFound) {
      Problem(FindingKind::kCheckpointsMissing, "", "", 0,
              "the checkpoints file cannot be read: " + file.status().message());
    } else if (recorded_size > 0) {
      Problem(FindingKind::kCheckpointsMissing, "", "", 0,
              "the checkpoints file is gone, but the catalog recorded a "
              "checkpoint of " + std::to_string(recorded_size) +
                  " entries (" + recorded_line + ")");
    } else {
      ReportNoneSigned();
    }
    return;
  }
  const CheckpointFile& f = *file;
  file_size_ = f.checkpoints.empty() ? 0 : static_cast<int64_t>(f.checkpoints.back().size);
  file_leaves_ = std::move(file->leaves);
  report_.checkpoints = static_cast<int64_t>(f.checkpoints.size());
  if (!f.defects.empty()) {
    if (f.defect_at >= f.signed_bytes) {
      Problem(FindingKind::kCheckpointResidue, "", "", 0,
              "the checkpoints file ends with an append that stopped midway (" +
                  f.defects.front() + "); the next checkpoint cuts it off");
    } else {
      Problem(FindingKind::kCheckpointInvalid, "", "", 0,
              "the checkpoints file is damaged: " + f.defects.front());
    }
  }
  core::MerkleFrontier tree;
  bool trusted = true;
  int64_t foreign = 0;
  std::string foreign_example;
  for (const core::Checkpoint& c : f.checkpoints) {
    while (tree.size() < c.size) tree.Append(file_leaves_[tree.size()]);
    const std::string name = "the checkpoint of " + std::to_string(c.size) +
                             " entries signed at " + c.time;
    if (tree.Root() != c.root) {
      trusted = false;
      Problem(FindingKind::kCheckpointInvalid, "", "", 0,
              name + " does not match the leaves before it in the checkpoints "
                     "file (the file was edited)");
      continue;
    }
    if (c.key_id != key.KeyId()) {
      trusted = false;
      if (foreign++ == 0) foreign_example = name + " names key " + c.key_id;
      continue;
    }
    if (!core::VerifyCheckpoint(c, key).ok()) {
      trusted = false;
      Problem(FindingKind::kCheckpointInvalid, "", "", 0,
              name + " does not carry a valid signature of " + key.KeyId() +
                  " (the line was altered)");
    }
  }
  if (foreign > 0) {
    Problem(FindingKind::kCheckpointKeyChanged, "", "", 0,
            std::to_string(foreign) + " checkpoint(s) were signed by another key "
            "than the archive's " + key.KeyId() + " (" + foreign_example +
                "): the signing key was replaced");
  }
  if (recorded_size > file_size_) {
    Problem(FindingKind::kCheckpointsMissing, "", "", 0,
            "the checkpoints file ends at a checkpoint of " +
                std::to_string(file_size_) + " entries, but the catalog recorded "
                "one of " + std::to_string(recorded_size) + " (" + recorded_line +
                "): the file was cut short or replaced with an older copy");
  }
  if (f.checkpoints.empty()) {
    ReportNoneSigned();
    return;
  }
  const core::Checkpoint& last = f.checkpoints.back();
  report_.latest_checkpoint = last.Line();
  if (trusted) {
    ReportFirstDifference(file_leaves_, last.size,
                          "the checkpoint of " + std::to_string(last.size) + " entries signed at " + last.time);
  }
  if (leaves_.size() > last.size) {
    Problem(FindingKind::kEntriesUnsigned, "", "", static_cast<int64_t>(last.size) + 1,
            "entries " + std::to_string(last.size + 1) + " to " +
                std::to_string(leaves_.size()) +
                " are not yet in a signed checkpoint");
  }
}

void Verifier::CheckSince(const KeptCheckpoint& since, const core::VerifyingKey& key) {
  const core::Checkpoint& c = since.checkpoint;
  const std::string name = "the checkpoint given (" + std::to_string(c.size) +
                           " entries, signed at " + c.time + ")";
  if (c.key_id != key.KeyId()) {
    Problem(FindingKind::kCheckpointKeyChanged, "", "", 0,
            name + " was signed by key " + c.key_id + ", but this archive signs "
            "with " + key.KeyId() +
                ": the signing key was replaced (or the checkpoint is another "
                "archive's)");
  } else if (!core::VerifyCheckpoint(c, key).ok()) {
    Problem(FindingKind::kCheckpointInvalid, "", "", 0,
            name + " does not carry a valid signature of " + key.KeyId() +
                ": it was altered, or is not this archive's");
  }
  if (file_size_ < static_cast<int64_t>(c.size)) {
    Problem(FindingKind::kCheckpointsMissing, "", "", 0,
            "the checkpoints file ends at " + std::to_string(file_size_) +
                " entries, before " + name +
                ": it was cut short, deleted or replaced with an older copy");
  }
  const size_t n = c.size, m = leaves_.size();
  if (m >= n) {
    if (PrefixRoot(leaves_, n) == c.root) {
      const core::MerkleNodeSource nodes = core::MerkleNodesOfLeaves(leaves_);
      core::Result<std::vector<core::MerkleHash>> proof =
          core::MerkleConsistencyProof(n, m, nodes);
      const core::MerkleHash root = core::MerkleRoot(leaves_);
      const core::Status holds =
          proof.ok() ? core::VerifyMerkleConsistency(n, m, *proof, c.root, root)
                     : proof.status();
      if (holds.ok()) {
        report_.since_result =
            "the log of " + std::to_string(m) + " entries extends " + name +
            ": RFC 6962 consistency proof of " + std::to_string(proof->size()) +
            (proof->size() == 1 ? " hash" : " hashes") + " verified";
        return;
      }
      Problem(FindingKind::kLogRewritten, "", "", 0,
              "no consistency proof from " + name + " holds: " + holds.message());
      report_.since_result = "the log does not extend " + name;
      return;
    }
  }
  report_.since_result = "the log does not extend " + name;
  // Name the first entry that differs from a copy of the leaves the
  // checkpoint covered: the one given, else the checkpoints file's if they
  // still reproduce the checkpoint's root (trusted by the kept checkpoint,
  // not by a signature: they name the entry even when the key was replaced).
  const std::vector<core::MerkleHash>* trusted = nullptr;
  if (!since.leaves.empty()) {
    trusted = &since.leaves;
  } else if (file_leaves_.size() >= n && PrefixRoot(file_leaves_, n) == c.root) {
    trusted = &file_leaves_;
  }
  if (trusted != nullptr && ReportFirstDifference(*trusted, n, name)) return;
  if (m < n) {
    Problem(FindingKind::kLogTruncated, "", "", static_cast<int64_t>(m) + 1,
            "the log has " + std::to_string(m) + " entries; " + name +
                " covers " + std::to_string(n) + ": entries " +
                std::to_string(m + 1) + " to " + std::to_string(n) +
                " are gone (deleted), and maybe others rewritten");
    return;
  }
  Problem(FindingKind::kLogRewritten, "", "", 0,
          "the log's first " + std::to_string(n) + " entries no longer hash to " +
              name + "'s root: one of them was rewritten, and no copy of the "
              "leaves that checkpoint covered survives to name it (verify "
              "--since a copy of the checkpoints file does)");
}

Verifier::BlobState Verifier::Rehashed(const std::string& sha256) {
  BlobState state;
  core::Result<BlobInfo> info = blobs_.Rehash(sha256);
  if (!info.ok()) {
    state.error = info.status().message();
    return state;
  }
  state.readable = true;
  state.sha256_ok = info->sha256 == sha256;
  ParseDigest(info->sm3, &state.sm3);
  state.size = info->size;
  return state;
}

void Verifier::RehashBlobs(const std::vector<std::string>& names, int threads) {
  std::mutex mu;
  std::atomic<size_t> next{0};
  std::atomic<int64_t> bytes{0};
  auto work = [&] {
    for (size_t i = next++; i < names.size(); i = next++) {
      Digest key{};
      if (!ParseDigest(names[i], &key)) continue;
      BlobState state = Rehashed(names[i]);
      bytes += state.size;
      std::lock_guard<std::mutex> lock(mu);
      blob_states_.emplace(key, std::move(state));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  report_.bytes_hashed += bytes;
}

const Verifier::BlobState* Verifier::CheckBlob(const std::string& sha256,
                                               const std::string& sm3,
                                               int64_t bytes,
                                               const std::string& number,
                                               const std::string& what) {
  Digest key{};
  if (!ParseDigest(sha256, &key)) {
    Problem(FindingKind::kBlobMissing, number, sha256, 0,
            what + " names no valid blob (sha256 \"" + sha256.substr(0, 80) +
                "\")");
    return nullptr;
  }
  auto it = blob_states_.find(key);
  if (it == blob_states_.end()) {
    it = blob_states_.emplace(key, Rehashed(sha256)).first;
    report_.bytes_hashed += it->second.size;
  }
  it->second.referenced = true;
  if (!it->second.readable) {
    Problem(FindingKind::kBlobMissing, number, sha256, 0,
            what + ": blob " + sha256 + " is missing or unreadable (" + it->second.error + ")");
    return nullptr;
  }
  const BlobState& state = it->second;
  Digest expected_sm3{};
  if (!state.sha256_ok) {
    Problem(FindingKind::kBlobCorrupt, number, sha256, 0,
            what + ": blob " + sha256 +
                " is damaged: its bytes no longer hash to its name");
  } else if (!ParseDigest(sm3, &expected_sm3) || expected_sm3 != state.sm3) {
    Problem(
        FindingKind::kBlobSm3Mismatch, number, sha256, 0,
        what + ": the SM3 of blob " + sha256 + " differs from the catalog's");
  } else if (state.size != bytes) {
    Problem(FindingKind::kBlobSizeMismatch, number, sha256, 0,
            what + ": blob " + sha256 + " has " + std::to_string(state.size) +
                " bytes, the catalog says " + std::to_string(bytes));
  }
  return &state;
}

void Verifier::AddDocument(const Document& d) {
  ++report_.documents;
  documents_[d.id] = DocumentRef{d.number, d.sha256, d.bytes};
  const std::string what = "document " + d.number;
  auto it = audited_documents_.find(d.id);
  if (it == audited_documents_.end()) {
    Problem(FindingKind::kRowNotAudited, d.number, "", 0,
            what + " (id " + std::to_string(d.id) +
                ") has no ingest entry in the audit log");
  } else {
    Digest actual{};
    ParseDigest(DocumentRowDigest(d), &actual);
    if (actual != it->second.row_digest) {
      Problem(FindingKind::kRowEdited, d.number, "", it->second.seq,
              what + ": catalog row differs from what was ingested" +
                  (it->second.number != d.number ? " as " + it->second.number
                                                 : std::string()) +
                  " (" + SeqText(it->second.seq) + ")");
    }
    const std::string status(DocumentStatusName(d.status));
    if (status != it->second.status) {
      Problem(FindingKind::kStatusMismatch, d.number, "", it->second.seq,
              what + ": status is " + status + ", the audit log says " +
                  it->second.status);
    }
    for (size_t i = 0; i < std::size(kLifecycleFields); ++i) {
      const std::string& actual = LifecycleField(d, kLifecycleFields[i]);
      const std::string& logged = it->second.lifecycle[i];
      if (actual != logged) {
        Problem(FindingKind::kStatusMismatch, d.number, "", it->second.seq,
                what + ": " + std::string(kLifecycleFields[i]) + " is \"" +
                    actual + "\", the audit log says \"" + logged + "\"");
      }
    }
    audited_documents_.erase(it);
  }
  if (const std::optional<DocumentNumber> parsed =
          ParseDocumentNumber(d.number)) {
    registers_[{d.district, parsed->year}].documents[parsed->serial] =
        d.number;
  }
  CheckBlob(d.sha256, d.sm3, d.bytes, d.number, what);
  if (!d.ofd_sha256.empty()) CheckBlob(d.ofd_sha256, d.ofd_sm3, d.ofd_bytes, d.number, what + " (OFD)");
  Tick();
}

std::string Verifier::NumberOf(int64_t document_id) const {
  auto it = documents_.find(document_id);
  return it == documents_.end() ? std::string() : it->second.number;
}

void Verifier::AddSignedCopy(const SignedCopy& c) {
  ++report_.signed_copies;
  const std::string number = NumberOf(c.document_id);
  const std::string what =
      "signed copy " + std::to_string(c.id) + " of document " +
      (number.empty() ? "id " + std::to_string(c.document_id) : number);
  auto it = audited_copies_.find(c.id);
  if (it == audited_copies_.end()) {
    Problem(FindingKind::kRowNotAudited, number, "", 0,
            what + " has no attach entry in the audit log");
  } else {
    Digest actual{};
    ParseDigest(SignedCopyRowDigest(c), &actual);
    if (actual != it->second.row_digest) {
      Problem(FindingKind::kRowEdited, number, "", it->second.seq,
              what + ": catalog row differs from what was attached (" +
                  SeqText(it->second.seq) + ")");
    }
    audited_copies_.erase(it);
  }
  CheckBlob(c.sha256, c.sm3, c.bytes, number, what);
  Tick();
}

void Verifier::CheckAuditedRow(std::unordered_map<int64_t, AuditedRow>& rows, int64_t id,
                               const std::string& row_digest, const std::string& what) {
  auto it = rows.find(id);
  if (it == rows.end()) {
    Problem(FindingKind::kRowNotAudited, "", "", 0, what + " has no entry in the audit log");
    return;
  }
  Digest actual{};
  ParseDigest(row_digest, &actual);
  if (actual != it->second.row_digest) {
    Problem(FindingKind::kRowEdited, "", "", it->second.seq,
            what + ": catalog row differs from what was recorded (" + SeqText(it->second.seq) + ")");
  }
  rows.erase(it);
}

void Verifier::AddAccessToken(const AccessToken& t) {
  CheckAuditedRow(audited_tokens_, t.id, AccessTokenRowDigest(t),
                  "access token " + std::to_string(t.id) + " (" + std::string(AccessRoleName(t.role)) + ")");
}

void Verifier::AddUser(const User& u) {
  CheckAuditedRow(audited_users_, u.id, UserRowDigest(u),
                  "user " + std::to_string(u.id) + " " + u.username + " (" + std::string(AccessRoleName(u.role)) +
                      ")");
}

void Verifier::AddReprint(const Reprint& r) {
  ++report_.reprints;
  const std::string number = NumberOf(r.document_id);
  const std::string what =
      std::string(r.marked ? "marked " : "") + "reprint " +
      std::to_string(r.id) + " of document " +
      (number.empty() ? "id " + std::to_string(r.document_id) : number);
  auto it = audited_reprints_.find(r.id);
  if (it == audited_reprints_.end()) {
    Problem(FindingKind::kRowNotAudited, number, "", 0,
            what + " has no reprint entry in the audit log");
  } else {
    Digest actual{};
    ParseDigest(ReprintRowDigest(r), &actual);
    if (actual != it->second.row_digest) {
      Problem(FindingKind::kRowEdited, number, "", it->second.seq,
              what + ": catalog row differs from what was recorded (" +
                  SeqText(it->second.seq) + ")");
    }
    audited_reprints_.erase(it);
  }
  const BlobState* state = CheckBlob(r.sha256, r.sm3, r.bytes, number, what);
  auto original = documents_.find(r.document_id);
  if (r.marked && state != nullptr && state->sha256_ok &&
      original != documents_.end()) {
    // The original must still verify over the reprint's first bytes.
    core::Result<std::string> marked = blobs_.Get(r.sha256);
    core::Result<std::string> base = blobs_.Get(original->second.sha256);
    if (marked.ok() && base.ok() &&
        (marked->size() <= base->size() ||
         marked->compare(0, base->size(), *base) != 0)) {
      Problem(FindingKind::kReprintNotPrefix, number, r.sha256, 0,
              what + " does not begin with the original's bytes");
    }
  }
  Tick();
}

void Verifier::AddUnreadableRow(const std::string& number,
                                const std::string& message) {
  Problem(FindingKind::kRowEdited, number, "", 0, message);
  Tick();
}

void Verifier::AddNumberCounter(const std::string& district, int64_t year,
                                int64_t next_serial) {
  registers_[{district, year}].next_serial = next_serial;
}

void Verifier::AddAllocation(const std::string& district, int64_t year,
                             int64_t serial, const std::string& number) {
  registers_[{district, year}].allocations[serial] = number;
}

void Verifier::AddVoid(const std::string& district, int64_t year,
                       int64_t serial, const std::string& number,
                       const std::string& allocated_at,
                       const std::string& reason) {
  registers_[{district, year}].voids[serial] = number;
  const std::string what = "void number " + number + " (serial " +
                           std::to_string(serial) + " of " + district + " " +
                           std::to_string(year) + ")";
  auto it = audited_voids_.find({district, year, serial});
  if (it == audited_voids_.end()) {
    Problem(FindingKind::kRowNotAudited, number, "", 0,
            what + " has no void-number entry in the audit log");
  } else {
    const AuditedVoid& audited = it->second;
    if (audited.number != number || audited.allocated_at != allocated_at ||
        audited.reason != reason) {
      Problem(FindingKind::kRowEdited, number, "", audited.seq,
              what + ": catalog row differs from what was voided (" +
                  SeqText(audited.seq) + ")");
    }
    audited_voids_.erase(it);
  }
}

void Verifier::FinishNumbers() {
  for (const auto& [key, serials] : registers_) {
    const auto& [district, year] = key;
    const std::string where = district + " " + std::to_string(year);
    // (c) a serial both void and filed.
    for (const auto& [serial, number] : serials.voids) {
      auto filed = serials.documents.find(serial);
      if (filed != serials.documents.end()) {
        Problem(FindingKind::kVoidFiled, filed->second, "", 0,
                "serial " + std::to_string(serial) + " of " + where +
                    " is recorded as void (" + number +
                    ") and is document " + filed->second);
      }
    }
    // (b) the counter must be above every serial in use.
    int64_t highest = 0;
    std::string highest_number;
    for (const auto* used :
         {&serials.documents, &serials.voids, &serials.allocations}) {
      if (!used->empty() && used->rbegin()->first > highest) {
        highest = used->rbegin()->first;
        highest_number = used->rbegin()->second;
      }
    }
    if (highest >= serials.next_serial && highest > 0) {
      Problem(FindingKind::kCounterBehind, highest_number, "", 0,
              "the number counter of " + where + " is " +
                  (serials.next_serial == 0
                       ? std::string("missing")
                       : "at " + std::to_string(serials.next_serial)) +
                  ", but serial " + std::to_string(highest) + " (" +
                  highest_number + ") is in use: it would be handed out "
                                   "again");
    }
    // (a) every serial below the counter accounted for; in flight ones are
    // notices. Walks the serials in use, so a counter raised by millions
    // costs one finding per run of missing serials longer than kListed.
    constexpr int64_t kListed = 100;
    std::map<int64_t, bool> used;  // serial → in flight
    for (const auto& [serial, number] : serials.documents) used[serial] = false;
    for (const auto& [serial, number] : serials.voids) used[serial] = false;
    for (const auto& [serial, number] : serials.allocations) {
      used.emplace(serial, true);  // a document or void accounts for it
    }
    auto missing = [&](int64_t first, int64_t last) {
      if (last - first + 1 > kListed) {
        Problem(FindingKind::kSerialUnaccounted, "", "", 0,
                "serials " + std::to_string(first) + " to " +
                    std::to_string(last) + " of " + where +
                    " are neither documents, nor void, nor recorded "
                    "allocations (counter edited or allocations deleted?)");
        return;
      }
      for (int64_t serial = first; serial <= last; ++serial) {
        Problem(FindingKind::kSerialUnaccounted, "", "", 0,
                "serial " + std::to_string(serial) + " of " + where +
                    " is neither a document, nor void, nor a recorded "
                    "allocation (counter edited or allocation deleted?)");
      }
    };
    int64_t expected = 1;
    for (const auto& [serial, in_flight] : used) {
      if (serial >= serials.next_serial) break;
      if (serial > expected) missing(expected, serial - 1);
      if (in_flight) {
        const std::string& number = serials.allocations.at(serial);
        Problem(FindingKind::kSerialInFlight, number, "", 0,
                number + " (serial " + std::to_string(serial) + " of " +
                    where + ") is allocated, not yet filed or void");
      }
      expected = serial + 1;
    }
    if (expected < serials.next_serial) {
      missing(expected, serials.next_serial - 1);
    }
  }
  registers_.clear();
  std::vector<std::pair<int64_t, Finding>> gone;
  for (const auto& [key, audited] : audited_voids_) {
    gone.push_back({audited.seq,
                    {FindingKind::kRowMissing, audited.number, "", audited.seq,
                     "void number " + audited.number + " was recorded (" +
                         SeqText(audited.seq) + ") but its catalog row is "
                                                "gone"}});
  }
  std::sort(gone.begin(), gone.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [seq, finding] : gone) {
    report_.problems.push_back(std::move(finding));
  }
  audited_voids_.clear();
}

void Verifier::FinishRows() {
  // Reported in audit order, so that a report reads the same every run.
  std::vector<std::pair<int64_t, Finding>> gone;
  for (const auto& [id, row] : audited_documents_) {
    gone.push_back({row.seq,
                    {FindingKind::kRowMissing, row.number, "", row.seq,
                     "document " + row.number + " (id " + std::to_string(id) +
                         ") was ingested (" + SeqText(row.seq) +
                         ") but its catalog row is gone"}});
  }
  for (const auto& [id, row] : audited_copies_) {
    gone.push_back({row.seq,
                    {FindingKind::kRowMissing, "", "", row.seq,
                     "signed copy " + std::to_string(id) + " was attached (" +
                         SeqText(row.seq) + ") but its catalog row is gone"}});
  }
  for (const auto& [id, row] : audited_reprints_) {
    gone.push_back({row.seq,
                    {FindingKind::kRowMissing, "", "", row.seq,
                     "reprint " + std::to_string(id) + " was recorded (" +
                         SeqText(row.seq) + ") but its catalog row is gone"}});
  }
  for (const auto& [id, row] : audited_tokens_) {
    gone.push_back({row.seq,
                    {FindingKind::kRowMissing, "", "", row.seq,
                     "access token " + std::to_string(id) +
                         " was recorded (" + SeqText(row.seq) +
                         ") but its catalog row is gone"}});
  }
  for (const auto& [id, row] : audited_users_) {
    gone.push_back({row.seq,
                    {FindingKind::kRowMissing, "", "", row.seq,
                     "user " + std::to_string(id) + " was recorded (" + SeqText(row.seq) +
                         ") but its catalog row is gone"}});
  }
  std::sort(gone.begin(), gone.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [seq, finding] : gone)
    report_.problems.push_back(std::move(finding));
  audited_documents_.clear();
  audited_copies_.clear();
  audited_reprints_.clear();
  audited_tokens_.clear();
  audited_users_.clear();
}

void Verifier::CheckBlobTree(const BlobListing& listing) {
  report_.blobs = static_cast<int64_t>(listing.blobs.size());
  for (const std::string& name : listing.blobs) {
    Digest key{};
    auto it = ParseDigest(name, &key) ? blob_states_.find(key) : blob_states_.end();
    if (it == blob_states_.end() || !it->second.referenced) {
      Problem(FindingKind::kBlobUnreferenced, "", name, 0,
              "blob " + name + " is named by no catalog row");
    }
    Tick();
  }
  for (const std::string& stray : listing.strays) {
    Problem(FindingKind::kStrayFile, "", stray, 0,
            "file blobs/" + stray +
                " is not a blob (a temporary file left by a crash?)");
  }
}

}  // namespace beian::archive
