// The audit log's Merkle tree (RFC 6962) kept in the catalog: every perfect
// subtree's hash in merkle_nodes (level 0 are the leaves, one per audit
// entry; about two rows per entry), so that tree heads and proofs take
// O(log n) reads. Derived data: verify recomputes it from the entries.
#ifndef BEIAN_ARCHIVE_SRC_MERKLE_STORE_H_
#define BEIAN_ARCHIVE_SRC_MERKLE_STORE_H_

#include <cstdint>
#include <string>

#include "beian/archive/records.h"
#include "beian/core/merkle.h"
#include "beian/core/status.h"
#include "sql.h"

namespace beian::archive {

// The bytes an audit entry contributes as a Merkle leaf: the canonical JSON
// of its action, the SHA-256 hex of its actor (a proof handed to anyone
// names no person), at, detail (the text), seq and subject.
std::string AuditLeafData(const AuditEntry& entry);

// MerkleLeafHash(AuditLeafData(entry)).
core::MerkleHash AuditLeafHash(const AuditEntry& entry);

// Records leaf `index` (entry index + 1) and every perfect subtree it
// completes, inside the caller's write transaction.
core::Status AppendMerkleLeaf(Database& db, uint64_t index,
                              const core::MerkleHash& leaf);

// The stored perfect subtrees, read through `db` (kInternal naming the node
// if one is missing or malformed). `db` must outlive the source.
core::MerkleNodeSource StoredMerkleNodes(Database& db);

// The number of leaves stored.
core::Result<uint64_t> StoredMerkleSize(Database& db);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_MERKLE_STORE_H_
