#include "beian/core/merkle.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "beian/core/digest.h"

namespace beian::core {
namespace {

MerkleHash Sha256Of(const uint8_t* prefix, std::string_view a,
                    std::string_view b) {
  MerkleHash out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned int length = 0;
  const bool ok = ctx != nullptr &&
                  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, prefix, 1) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
                  EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out.data(), &length) == 1 &&
                  length == out.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    std::fprintf(stderr, "beian::core::Merkle: OpenSSL cannot compute SHA-256\n");
    std::abort();
  }
  return out;
}

std::string_view View(const MerkleHash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// The largest power of two below n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

int Log2(uint64_t power_of_two) {
  int level = 0;
  while ((uint64_t{1} << level) < power_of_two) ++level;
  return level;
}

// MTH(D[begin:end]) from perfect subtrees; begin < end.
Result<MerkleHash> SubtreeHash(uint64_t begin, uint64_t end,
                               const MerkleNodeSource& nodes) {
  const uint64_t n = end - begin;
  if (IsPowerOfTwo(n) && begin % n == 0) {
    const int level = Log2(n);
    return nodes(level, begin >> level);
  }
  const uint64_t k = SplitPoint(n);
  BEIAN_ASSIGN_OR_RETURN(const MerkleHash left,
                         SubtreeHash(begin, begin + k, nodes));
  BEIAN_ASSIGN_OR_RETURN(const MerkleHash right,
                         SubtreeHash(begin + k, end, nodes));
  return MerkleNodeHash(left, right);
}

// RFC 6962 §2.1.1 PATH(m, D[begin:end]), m absolute.
Status AppendPath(uint64_t m, uint64_t begin, uint64_t end,
                  const MerkleNodeSource& nodes,
                  std::vector<MerkleHash>& proof) {
  if (end - begin == 1) return Status::Ok();
  const uint64_t k = SplitPoint(end - begin);
  if (m < begin + k) {
    BEIAN_RETURN_IF_ERROR(AppendPath(m, begin, begin + k, nodes, proof));
    BEIAN_ASSIGN_OR_RETURN(const MerkleHash sibling,
                           SubtreeHash(begin + k, end, nodes));
    proof.push_back(sibling);
  } else {
    BEIAN_RETURN_IF_ERROR(AppendPath(m, begin + k, end, nodes, proof));
    BEIAN_ASSIGN_OR_RETURN(const MerkleHash sibling,
                           SubtreeHash(begin, begin + k, nodes));
    proof.push_back(sibling);
  }
  return Status::Ok();
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], b), m relative to begin.
Status AppendSubproof(uint64_t m, uint64_t begin, uint64_t end, bool whole,
                      const MerkleNodeSource& nodes,
                      std::vector<MerkleHash>& proof) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (whole) return Status::Ok();
    BEIAN_ASSIGN_OR_RETURN(const MerkleHash h, SubtreeHash(begin, end, nodes));
    proof.push_back(h);
    return Status::Ok();
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    BEIAN_RETURN_IF_ERROR(
        AppendSubproof(m, begin, begin + k, whole, nodes, proof));
    BEIAN_ASSIGN_OR_RETURN(const MerkleHash h,
                           SubtreeHash(begin + k, end, nodes));
    proof.push_back(h);
  } else {
    BEIAN_RETURN_IF_ERROR(
        AppendSubproof(m - k, begin + k, end, false, nodes, proof));
    BEIAN_ASSIGN_OR_RETURN(const MerkleHash h,
                           SubtreeHash(begin, begin + k, nodes));
    proof.push_back(h);
  }
  return Status::Ok();
}

Status Refuted(const std::string& why) { return FailedPrecondition(why); }

}  // namespace

MerkleHash MerkleLeafHash(std::string_view entry) {
  static const uint8_t kLeaf = 0x00;
  return Sha256Of(&kLeaf, entry, {});
}

MerkleHash MerkleNodeHash(const MerkleHash& left, const MerkleHash& right) {
  static const uint8_t kNode = 0x01;
  return Sha256Of(&kNode, View(left), View(right));
}

void MerkleFrontier::Append(const MerkleHash& leaf) {
  MerkleHash carry = leaf;
  // Each trailing one bit of the old size is a subtree of that height that
  // the new leaf's subtree merges with.
  for (uint64_t n = size_; (n & 1) == 1; n >>= 1) {
    carry = MerkleNodeHash(subtrees_.back(), carry);
    subtrees_.pop_back();
  }
  subtrees_.push_back(carry);
  ++size_;
}

MerkleHash MerkleFrontier::Root() const {
  if (subtrees_.empty()) {
    MerkleHash empty{};
    unsigned int length = 0;
    EVP_Digest("", 0, empty.data(), &length, EVP_sha256(), nullptr);
    return empty;
  }
  MerkleHash root = subtrees_.back();
  for (size_t i = subtrees_.size() - 1; i-- > 0;) {
    root = MerkleNodeHash(subtrees_[i], root);
  }
  return root;
}

MerkleHash MerkleRoot(const std::vector<MerkleHash>& leaves) {
  MerkleFrontier tree;
  for (const MerkleHash& leaf : leaves) tree.Append(leaf);
  return tree.Root();
}

MerkleNodeSource MerkleNodesOfLeaves(const std::vector<MerkleHash>& leaves) {
  return [&leaves](int level, uint64_t index) -> Result<MerkleHash> {
    const uint64_t begin = index << level, end = (index + 1) << level;
    if (end > leaves.size()) {
      return InvalidArgument("no subtree " + std::to_string(level) + "/" +
                             std::to_string(index) + " in a tree of " +
                             std::to_string(leaves.size()));
    }
    MerkleFrontier tree;
    for (uint64_t i = begin; i < end; ++i) tree.Append(leaves[i]);
    return tree.Root();
  };
}

Result<MerkleHash> MerkleRootOf(uint64_t size, const MerkleNodeSource& nodes) {
  if (size == 0) return MerkleRoot({});
  return SubtreeHash(0, size, nodes);
}

Result<std::vector<MerkleHash>> MerkleInclusionProof(
    uint64_t index, uint64_t size, const MerkleNodeSource& nodes) {
  if (index >= size) {
    return InvalidArgument("leaf " + std::to_string(index) +
                           " is not in a tree of " + std::to_string(size));
  }
  std::vector<MerkleHash> proof;
  BEIAN_RETURN_IF_ERROR(AppendPath(index, 0, size, nodes, proof));
  return proof;
}

Result<std::vector<MerkleHash>> MerkleConsistencyProof(
    uint64_t size1, uint64_t size2, const MerkleNodeSource& nodes) {
  if (size1 > size2) {
    return InvalidArgument("a tree of " + std::to_string(size1) +
                           " cannot be a prefix of a tree of " +
                           std::to_string(size2));
  }
  std::vector<MerkleHash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  BEIAN_RETURN_IF_ERROR(AppendSubproof(size1, 0, size2, true, nodes, proof));
  return proof;
}

Status VerifyMerkleInclusion(uint64_t index, uint64_t size,
                             const MerkleHash& leaf,
                             const std::vector<MerkleHash>& proof,
                             const MerkleHash& root) {
  if (index >= size) {
    return Refuted("leaf " + std::to_string(index) + " is beyond the tree of " +
                   std::to_string(size));
  }
  uint64_t fn = index, sn = size - 1;
  MerkleHash r = leaf;
  for (const MerkleHash& p : proof) {
    if (sn == 0) return Refuted("the inclusion proof is too long");
    if ((fn & 1) != 0 || fn == sn) {
      r = MerkleNodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Refuted("the inclusion proof is too short");
  if (r != root) {
    return Refuted("the inclusion proof leads to " + MerkleHashHex(r) +
                   ", not to the tree head " + MerkleHashHex(root));
  }
  return Status::Ok();
}

Status VerifyMerkleConsistency(uint64_t size1, uint64_t size2,
                               const std::vector<MerkleHash>& proof,
                               const MerkleHash& root1,
                               const MerkleHash& root2) {
  if (size1 > size2) {
    return Refuted("the later tree (" + std::to_string(size2) +
                   " entries) is smaller than the earlier (" +
                   std::to_string(size1) + ")");
  }
  if (size1 == size2) {
    if (!proof.empty()) return Refuted("a proof between equal sizes is empty");
    if (root1 != root2) {
      return Refuted("two trees of " + std::to_string(size1) +
                     " entries with different heads");
    }
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) return Refuted("a proof from the empty tree is empty");
    return Status::Ok();
  }
  if (proof.empty()) return Refuted("the consistency proof is empty");
  std::vector<MerkleHash> path;
  if (IsPowerOfTwo(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  MerkleHash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const MerkleHash& c = path[i];
    if (sn == 0) return Refuted("the consistency proof is too long");
    if ((fn & 1) != 0 || fn == sn) {
      fr = MerkleNodeHash(c, fr);
      sr = MerkleNodeHash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = MerkleNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Refuted("the consistency proof is too short");
  if (fr != root1) {
    return Refuted("the log's first " + std::to_string(size1) +
                   " entries no longer hash to the earlier tree head");
  }
  if (sr != root2) {
    return Refuted("the consistency proof does not lead to the later tree head");
  }
  return Status::Ok();
}

std::string MerkleHashHex(const MerkleHash& hash) { return HexEncode(View(hash)); }

bool ParseMerkleHash(std::string_view hex, MerkleHash* out) {
  if (hex.size() != 64) return false;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = value(hex[2 * i]), lo = value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

}  // namespace beian::core
