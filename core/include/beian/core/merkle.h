// Merkle hash trees as in RFC 6962 §2.1 (SHA-256): tree heads, inclusion and
// consistency proofs, and their verification (RFC 9162 §2.1.3.2, §2.1.4.2).
// The audit log's entries are the leaves; see docs/evidence.md.
#ifndef BEIAN_CORE_MERKLE_H_
#define BEIAN_CORE_MERKLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::core {

using MerkleHash = std::array<uint8_t, 32>;

// SHA-256(0x00 || entry).
MerkleHash MerkleLeafHash(std::string_view entry);

// SHA-256(0x01 || left || right).
MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right);

// The tree head of `leaves` (already leaf-hashed): SHA-256 of the empty string
// for none.
MerkleHash MerkleRoot(const std::vector<MerkleHash>& leaves);

// The hash of a perfect subtree: the one whose leaves are
// [index << level, (index + 1) << level), level 0 being the leaf hashes.
// The caller guarantees the subtree lies within the tree it asks about.
using MerkleNodeSource =
    std::function<Result<MerkleHash>(int level, uint64_t index)>;

// The perfect subtrees of a list of leaves, folded from them on each call
// (O(2^level)). `leaves` must outlive the source.
MerkleNodeSource MerkleNodesOfLeaves(const std::vector<MerkleHash>& leaves);

// A tree built one leaf at a time: the roots of its perfect subtrees
// (a "compact range" from the first leaf), O(log n) memory.
class MerkleFrontier {
 public:
  void Append(const MerkleHash& leaf);
  uint64_t size() const { return size_; }
  // The head of the tree of the leaves appended so far.
  MerkleHash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<MerkleHash> subtrees_;  // largest first
};

// The head of the tree of the first `size` leaves, from perfect subtrees
// (at most log2(size) of them).
Result<MerkleHash> MerkleRootOf(uint64_t size, const MerkleNodeSource& nodes);

// RFC 6962 PATH(index, D[0:size]): the audit path of leaf `index` in the tree
// of the first `size` leaves. kInvalidArgument unless index < size.
Result<std::vector<MerkleHash>> MerkleInclusionProof(
    uint64_t index, uint64_t size, const MerkleNodeSource& nodes);

// RFC 6962 PROOF(size1, D[0:size2]): proves the tree of the first size1
// leaves is a prefix of the tree of size2. Empty for size1 = 0 or size1 =
// size2. kInvalidArgument unless size1 <= size2.
Result<std::vector<MerkleHash>> MerkleConsistencyProof(
    uint64_t size1, uint64_t size2, const MerkleNodeSource& nodes);

// Ok iff `proof` shows leaf hash `leaf` at `index` in the tree of `size`
// leaves whose head is `root`; kFailedPrecondition saying why not.
Status VerifyMerkleInclusion(uint64_t index, uint64_t size,
                             const MerkleHash& leaf,
                             const std::vector<MerkleHash>& proof,
                             const MerkleHash& root);

// Ok iff `proof` shows the tree of size1 leaves with head root1 is a prefix of
// the tree of size2 leaves with head root2; kFailedPrecondition saying why not.
Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<MerkleHash>& proof,
                               const MerkleHash& root1,
                               const MerkleHash& root2);

// 64 lowercase hex chars.
std::string MerkleHashHex(const MerkleHash& hash);

// Parses 64 hex chars (either case); false for anything else.
bool ParseMerkleHash(std::string_view hex, MerkleHash* out);

}  // namespace beian::core

#endif  // BEIAN_CORE_MERKLE_H_
