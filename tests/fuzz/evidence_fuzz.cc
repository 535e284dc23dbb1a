// Fuzzes what beian reads of evidence that comes from outside: a checkpoint line or a copy of a
// checkpoints file (`verify --since`), and a document proof (`beian proof check`). Beyond not
// crashing: a parsed checkpoint line writes back to itself, a kept checkpoints file's leaves
// hash to its checkpoint's root, a parsed proof survives its JSON form unchanged, and no proof
// is accepted for a file it does not name.
#include <cstdint>
#include <string>
#include <string_view>

#include "beian/archive/verify_report.h"
#include "beian/core/json.h"
#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "beian/service/evidence.h"
#include "fuzz_support.h"

namespace {

using beian::fuzz::Check;

// A fixed Ed25519 public key (RFC 8032 §7.1, TEST 2).
constexpr char kKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = beian::fuzz::Bytes(data, size);

  beian::core::Result<beian::core::Checkpoint> line = beian::core::ParseCheckpoint(text);
  if (line.ok()) {
    beian::core::Result<beian::core::Checkpoint> again = beian::core::ParseCheckpoint(line->Line());
    Check(again.ok() && again->Line() == line->Line(), "a parsed checkpoint line does not write back to itself");
  }

  beian::core::Result<beian::archive::KeptCheckpoint> kept = beian::archive::ParseKeptCheckpoint(text);
  if (kept.ok() && !kept->leaves.empty()) {
    Check(kept->leaves.size() == kept->checkpoint.size, "a kept file's leaves are not its checkpoint's size");
    Check(beian::core::MerkleRoot(kept->leaves) == kept->checkpoint.root,
          "a kept file's leaves do not hash to its checkpoint's root");
  }

  beian::core::Result<beian::service::DocumentProof> proof = beian::service::ParseDocumentProof(text);
  if (proof.ok()) {
    beian::core::Result<beian::service::DocumentProof> again =
        beian::service::ParseDocumentProof(beian::core::WriteJson(beian::service::DocumentProofJson(*proof)));
    Check(again.ok() && again->entry == proof->entry && again->path == proof->path &&
              again->checkpoint == proof->checkpoint && again->seq == proof->seq,
          "a parsed proof does not survive its JSON form");
    // Signed by no one's key here: never holds, whatever the file.
    Check(!beian::service::CheckDocumentProof(text, *proof, kKey).ok(), "a proof held without its key's signature");
  }
  return 0;
}
