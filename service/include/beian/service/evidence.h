// Proofs that a document is the one filed, for anyone and offline.
//
// A DocumentProof is the RFC 6962 inclusion proof of a document's "ingest"
// audit entry in a signed checkpoint of the audit log. It names no person
// (the entry's actor appears only as a SHA-256), and with the archive's public
// key (GET /v1/keys) anyone can check a PDF against it without the archive:
// the PDF's SHA-256 is the one the entry recorded, the entry is leaf SEQ − 1
// of the tree, the path leads to the checkpoint's root, and the checkpoint
// carries the key's signature. See docs/evidence.md.
#ifndef BEIAN_SERVICE_EVIDENCE_H_
#define BEIAN_SERVICE_EVIDENCE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::service {

inline constexpr std::string_view kProofFormat = "beian-proof/1";

struct DocumentProof {
  std::string number;           // the document's 文书编号
  int64_t seq = 0;              // its ingest entry
  std::string entry;            // the bytes the Merkle leaf hashes (JSON text)
  std::vector<std::string> path;  // audit path, 64 hex each
  std::string checkpoint;       // the signed checkpoint line
  std::string key_fingerprint;  // SHA-256 of the signing key's SPKI, 64 hex
};

// {"format": "beian-proof/1", "number", "seq", "entry", "path",
//  "checkpoint", "key_fingerprint"}.
core::Json DocumentProofJson(const DocumentProof& proof);

// kInvalidArgument naming the member that is missing or malformed.
core::Result<DocumentProof> ParseDocumentProof(std::string_view json_text);

// The archive's signing key as served at GET /v1/keys.
struct SigningKeyInfo {
  std::string key_id;       // "ed25519:…" or "sm2:…"
  std::string algorithm;    // "ed25519", "sm2"
  std::string fingerprint;  // SHA-256 of the SubjectPublicKeyInfo DER
  std::string public_key_pem;
};

// Checks `file` (a PDF as printed from the archive, or a reprint that begins
// with it) against `proof` and the public key `public_key_pem`, without the
// archive. Ok with a sentence saying what was proved; kFailedPrecondition
// saying the first thing that does not hold; kInvalidArgument for a
// malformed key.
core::Result<std::string> CheckDocumentProof(std::string_view file,
                                             const DocumentProof& proof,
                                             std::string_view public_key_pem);

// What the PDF/A check (docs/pdfa.md) found in a file.
struct PdfAConformance {
  std::string part, conformance;  // pdfaid:part and pdfaid:conformance of its XMP, "" if absent
  struct Finding {
    std::string clause;  // of ISO 19005-3, e.g. "6.1.9"
    std::string message;
  };
  std::vector<Finding> findings;
  std::vector<std::string> not_checked;  // parts of the file the checker could not reach
  bool conforms() const { return findings.empty() && not_checked.empty(); }
};

// Checks a PDF against the rules of PDF/A-3 listed in docs/pdfa.md, in this process: for files
// of the archive and of people who run the command line, not for uploads (those are inspected in
// the sandbox). kInvalidArgument when the file is not a readable PDF.
core::Result<PdfAConformance> CheckPdfAConformance(std::string_view pdf);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_EVIDENCE_H_
