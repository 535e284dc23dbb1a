#include "beian/core/merkle.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace beian::core {
namespace {

// The RFC 6962 test vectors of the Certificate Transparency and
// transparency-dev projects: eight leaves, the head of each prefix tree, and
// known inclusion and consistency proofs.
std::string Bytes(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

MerkleHash H(std::string_view hex) {
  MerkleHash h{};
  EXPECT_TRUE(ParseMerkleHash(hex, &h)) << hex;
  return h;
}

const char* const kLeafInputs[] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"};

const char* const kRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

std::vector<MerkleHash> Leaves(size_t n) {
  std::vector<MerkleHash> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(MerkleLeafHash(Bytes(kLeafInputs[i])));
  return leaves;
}

// Perfect subtrees folded from a list of leaves (kept alive by the source),
// as the archive's stored nodes would give them.
MerkleNodeSource NodesOf(const std::vector<MerkleHash>& leaves) {
  auto kept = std::make_shared<const std::vector<MerkleHash>>(leaves);
  MerkleNodeSource nodes = MerkleNodesOfLeaves(*kept);
  return [kept, nodes](int level, uint64_t index) { return nodes(level, index); };
}

TEST(MerkleTest, TreeHeadsMatchTheRfc6962Vectors) {
  EXPECT_EQ(MerkleHashHex(MerkleRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (size_t n = 1; n <= 8; ++n) {
    const std::vector<MerkleHash> leaves = Leaves(n);
    EXPECT_EQ(MerkleHashHex(MerkleRoot(leaves)), kRoots[n - 1]) << n;
    Result<MerkleHash> from_nodes = MerkleRootOf(n, NodesOf(Leaves(8)));
    ASSERT_TRUE(from_nodes.ok());
    EXPECT_EQ(MerkleHashHex(*from_nodes), kRoots[n - 1]) << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchTheVectorsAndVerify) {
  struct Vector {
    uint64_t index, size;
    std::vector<const char*> proof;
  };
  const Vector vectors[] = {
      {0, 1, {}},
      {0, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  const std::vector<MerkleHash> leaves = Leaves(8);
  for (const Vector& v : vectors) {
    Result<std::vector<MerkleHash>> proof =
        MerkleInclusionProof(v.index, v.size, NodesOf(leaves));
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    ASSERT_EQ(proof->size(), v.proof.size()) << v.index << "/" << v.size;
    for (size_t i = 0; i < v.proof.size(); ++i) {
      EXPECT_EQ(MerkleHashHex((*proof)[i]), v.proof[i]);
    }
    const MerkleHash root = H(kRoots[v.size - 1]);
    EXPECT_TRUE(VerifyMerkleInclusion(v.index, v.size, leaves[v.index], *proof, root).ok());
    // Each wrong claim fails.
    EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size, leaves[(v.index + 1) % 8], *proof, root).ok());
    EXPECT_FALSE(VerifyMerkleInclusion(v.index + 1, v.size, leaves[v.index], *proof, root).ok());
    EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size * 2, leaves[v.index], *proof, root).ok());
    EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size, leaves[v.index], *proof, MerkleRoot({})).ok());
    for (size_t i = 0; i < proof->size(); ++i) {
      std::vector<MerkleHash> flipped = *proof;
      flipped[i][0] ^= 8;
      EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size, leaves[v.index], flipped, root).ok());
    }
    std::vector<MerkleHash> longer = *proof;
    longer.push_back(root);
    EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size, leaves[v.index], longer, root).ok());
    if (!proof->empty()) {
      std::vector<MerkleHash> shorter(proof->begin(), proof->end() - 1);
      EXPECT_FALSE(VerifyMerkleInclusion(v.index, v.size, leaves[v.index], shorter, root).ok());
    }
  }
}

TEST(MerkleTest, ConsistencyProofsMatchTheVectorsAndVerify) {
  struct Vector {
    uint64_t size1, size2;
    std::vector<const char*> proof;
  };
  const Vector vectors[] = {
      {1, 1, {}},
      {1, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6, 7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  const std::vector<MerkleHash> leaves = Leaves(8);
  for (const Vector& v : vectors) {
    Result<std::vector<MerkleHash>> proof =
        MerkleConsistencyProof(v.size1, v.size2, NodesOf(leaves));
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    ASSERT_EQ(proof->size(), v.proof.size()) << v.size1 << "->" << v.size2;
    for (size_t i = 0; i < v.proof.size(); ++i) {
      EXPECT_EQ(MerkleHashHex((*proof)[i]), v.proof[i]);
    }
    const MerkleHash root1 = H(kRoots[v.size1 - 1]), root2 = H(kRoots[v.size2 - 1]);
    EXPECT_TRUE(VerifyMerkleConsistency(v.size1, v.size2, *proof, root1, root2).ok());
    if (proof->empty()) continue;
    EXPECT_FALSE(VerifyMerkleConsistency(v.size1, v.size2, *proof, root2, root1).ok());
    EXPECT_FALSE(VerifyMerkleConsistency(v.size1 + 1, v.size2, *proof, root1, root2).ok());
    EXPECT_FALSE(VerifyMerkleConsistency(v.size1, v.size2 * 2, *proof, root1, root2).ok());
    EXPECT_FALSE(VerifyMerkleConsistency(v.size1, v.size2, {}, root1, root2).ok());
    for (size_t i = 0; i < proof->size(); ++i) {
      std::vector<MerkleHash> flipped = *proof;
      flipped[i][0] ^= 16;
      EXPECT_FALSE(VerifyMerkleConsistency(v.size1, v.size2, flipped, root1, root2).ok());
    }
    std::vector<MerkleHash> shorter(proof->begin(), proof->end() - 1);
    EXPECT_FALSE(VerifyMerkleConsistency(v.size1, v.size2, shorter, root1, root2).ok());
  }
  // Sizes that are always consistent, and time travel.
  const MerkleHash some = H(kRoots[3]);
  EXPECT_TRUE(VerifyMerkleConsistency(0, 5, {}, MerkleRoot({}), some).ok());
  EXPECT_FALSE(VerifyMerkleConsistency(2, 1, {}, some, some).ok());
  EXPECT_FALSE(VerifyMerkleConsistency(3, 3, {some}, some, some).ok());
}

TEST(MerkleTest, EveryProofOfEveryShapeUpToFortyLeavesVerifies) {
  std::vector<MerkleHash> leaves;
  for (int i = 0; i < 40; ++i) leaves.push_back(MerkleLeafHash("entry " + std::to_string(i)));
  const MerkleNodeSource nodes = NodesOf(leaves);
  for (uint64_t size = 1; size <= leaves.size(); ++size) {
    const MerkleHash root = MerkleRoot({leaves.begin(), leaves.begin() + size});
    MerkleFrontier frontier;
    for (uint64_t i = 0; i < size; ++i) frontier.Append(leaves[i]);
    EXPECT_EQ(frontier.Root(), root);
    EXPECT_EQ(frontier.size(), size);
    for (uint64_t i = 0; i < size; ++i) {
      Result<std::vector<MerkleHash>> proof = MerkleInclusionProof(i, size, nodes);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyMerkleInclusion(i, size, leaves[i], *proof, root).ok()) << i << "/" << size;
    }
    for (uint64_t size1 = 0; size1 <= size; ++size1) {
      const MerkleHash root1 = MerkleRoot({leaves.begin(), leaves.begin() + size1});
      Result<std::vector<MerkleHash>> proof = MerkleConsistencyProof(size1, size, nodes);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifyMerkleConsistency(size1, size, *proof, root1, root).ok())
          << size1 << "->" << size;
    }
  }
  EXPECT_FALSE(MerkleInclusionProof(3, 3, nodes).ok());
  EXPECT_FALSE(MerkleConsistencyProof(4, 3, nodes).ok());
}

}  // namespace
}  // namespace beian::core
