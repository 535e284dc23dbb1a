#include "merkle_store.h"

#include <cstring>

#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

std::string_view Bytes(const core::MerkleHash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

core::Result<core::MerkleHash> ReadNode(Database& db, int level, uint64_t index) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2"));
  s.BindInt(1, level).BindInt(2, static_cast<int64_t>(index));
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  const std::string_view bytes = row ? s.Blob(0) : std::string_view();
  if (bytes.size() != 32) {
    return core::Internal("the catalog's Merkle tree lacks node " +
                          std::to_string(level) + "/" + std::to_string(index));
  }
  core::MerkleHash h;
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

core::Status WriteNode(Database& db, int level, uint64_t index,
                       const core::MerkleHash& hash) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?1, ?2, ?3)"));
  s.BindInt(1, level).BindInt(2, static_cast<int64_t>(index)).BindBlob(3, Bytes(hash));
  return s.Run();
}

}  // namespace

std::string AuditLeafData(const AuditEntry& e) {
  core::Json o = core::Json::MakeObject();
  o.Set("action", e.action);
  o.Set("actor_sha256", core::Sha256Hex(e.actor));
  o.Set("at", e.at);
  o.Set("detail", e.detail);
  o.Set("seq", e.seq);
  o.Set("subject", e.subject);
  return core::WriteCanonicalJson(o);
}

core::MerkleHash AuditLeafHash(const AuditEntry& entry) {
  return core::MerkleLeafHash(AuditLeafData(entry));
}

core::Status AppendMerkleLeaf(Database& db, uint64_t index,
                              const core::MerkleHash& leaf) {
  BEIAN_RETURN_IF_ERROR(WriteNode(db, 0, index, leaf));
  core::MerkleHash hash = leaf;
  int level = 0;
  // A right child completes its parent: fold up while the node is one.
  while ((index & 1) == 1) {
    BEIAN_ASSIGN_OR_RETURN(const core::MerkleHash left,
                           ReadNode(db, level, index - 1));
    hash = core::MerkleNodeHash(left, hash);
    ++level;
    index >>= 1;
    BEIAN_RETURN_IF_ERROR(WriteNode(db, level, index, hash));
  }
  return core::Status::Ok();
}

core::MerkleNodeSource StoredMerkleNodes(Database& db) {
  return [&db](int level, uint64_t index) { return ReadNode(db, level, index); };
}

core::Result<uint64_t> StoredMerkleSize(Database& db) {
  BEIAN_ASSIGN_OR_RETURN(
      const int64_t size,
      db.QueryInt("SELECT coalesce(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0"));
  return static_cast<uint64_t>(size);
}

}  // namespace beian::archive
