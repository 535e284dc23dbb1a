#include "beian/service/evidence.h"

#include "beian/render/pdf_tools.h"

#include "beian/core/digest.h"
#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "beian/render/pdf_tools.h"

namespace beian::service {
namespace {

core::Status Refuted(const std::string& why) {
  return core::FailedPrecondition(why);
}

}  // namespace

core::Json DocumentProofJson(const DocumentProof& p) {
  core::Json o = core::Json::MakeObject();
  o.Set("format", std::string(kProofFormat));
  o.Set("number", p.number);
  o.Set("seq", p.seq);
  o.Set("entry", p.entry);
  core::Json path = core::Json::MakeArray();
  for (const std::string& h : p.path) path.Push(h);
  o.Set("path", std::move(path));
  o.Set("checkpoint", p.checkpoint);
  o.Set("key_fingerprint", p.key_fingerprint);
  return o;
}

core::Result<DocumentProof> ParseDocumentProof(std::string_view json_text) {
  core::Result<core::Json> parsed = core::ParseJson(json_text);
  if (!parsed.ok() || !parsed->is_object()) {
    return core::InvalidArgument("the proof is not a JSON object");
  }
  const core::Json& o = *parsed;
  auto text = [&](const char* name) -> core::Result<std::string> {
    const core::Json* v = o.Find(name);
    if (v == nullptr || !v->is_string()) {
      return core::InvalidArgument(std::string("the proof lacks \"") + name + "\" (a string)");
    }
    return v->as_string();
  };
  BEIAN_ASSIGN_OR_RETURN(const std::string format, text("format"));
  if (format != kProofFormat) {
    return core::InvalidArgument("the proof's format is \"" + format + "\", not " +
                                 std::string(kProofFormat));
  }
  DocumentProof p;
  BEIAN_ASSIGN_OR_RETURN(p.number, text("number"));
  BEIAN_ASSIGN_OR_RETURN(p.entry, text("entry"));
  BEIAN_ASSIGN_OR_RETURN(p.checkpoint, text("checkpoint"));
  BEIAN_ASSIGN_OR_RETURN(p.key_fingerprint, text("key_fingerprint"));
  const core::Json* seq = o.Find("seq");
  if (seq == nullptr || !seq->is_integer() || seq->as_int() < 1) {
    return core::InvalidArgument("the proof lacks \"seq\" (an entry number from 1)");
  }
  p.seq = seq->as_int();
  const core::Json* path = o.Find("path");
  if (path == nullptr || !path->is_array()) {
    return core::InvalidArgument("the proof lacks \"path\" (an array of hashes)");
  }
  for (const core::Json& h : path->as_array()) {
    core::MerkleHash parsed_hash{};
    if (!h.is_string() || !core::ParseMerkleHash(h.as_string(), &parsed_hash)) {
      return core::InvalidArgument("the proof's \"path\" holds something other than 64-hex hashes");
    }
    p.path.push_back(h.as_string());
  }
  return p;
}

core::Result<std::string> CheckDocumentProof(std::string_view file, const DocumentProof& proof,
                                             std::string_view public_key_pem) {
  BEIAN_ASSIGN_OR_RETURN(const core::VerifyingKey key, core::VerifyingKey::FromPem(public_key_pem));
  if (proof.key_fingerprint != key.fingerprint()) {
    return Refuted("the proof was made under key " + proof.key_fingerprint.substr(0, 16) +
                   "…, not under the key given (" + key.fingerprint().substr(0, 16) + "…)");
  }
  core::Result<core::Checkpoint> checkpoint = core::ParseCheckpoint(proof.checkpoint);
  if (!checkpoint.ok()) return Refuted(checkpoint.status().message());
  BEIAN_RETURN_IF_ERROR(core::VerifyCheckpoint(*checkpoint, key));

  // The entry: an ingest of this number, recording the file's digest.
  core::Result<core::Json> entry = core::ParseJson(proof.entry);
  const core::Json* action = entry.ok() ? entry->Find("action") : nullptr;
  const core::Json* subject = entry.ok() ? entry->Find("subject") : nullptr;
  const core::Json* seq = entry.ok() ? entry->Find("seq") : nullptr;
  const core::Json* detail_text = entry.ok() ? entry->Find("detail") : nullptr;
  if (action == nullptr || !action->is_string() || action->as_string() != "ingest" ||
      subject == nullptr || !subject->is_string() || seq == nullptr || !seq->is_integer() ||
      detail_text == nullptr || !detail_text->is_string()) {
    return Refuted("the proof's entry is not an ingest entry of the audit log");
  }
  if (subject->as_string() != proof.number || seq->as_int() != proof.seq) {
    return Refuted("the proof's entry is about " + subject->as_string() + " (entry " +
                   std::to_string(seq->as_int()) + "), not " + proof.number);
  }
  core::Result<core::Json> detail = core::ParseJson(detail_text->as_string());
  const core::Json* sha256 = detail.ok() ? detail->Find("sha256") : nullptr;
  const core::Json* bytes = detail.ok() ? detail->Find("bytes") : nullptr;
  if (sha256 == nullptr || !sha256->is_string() || bytes == nullptr || !bytes->is_integer()) {
    return Refuted("the entry does not record the document's digest (filed before proofs existed)");
  }
  const std::string whole = core::Sha256Hex(file);
  bool appended = false;
  if (whole != sha256->as_string()) {
    const int64_t length = bytes->as_int();
    if (length <= 0 || static_cast<uint64_t>(length) >= file.size() ||
        core::Sha256Hex(file.substr(0, static_cast<size_t>(length))) != sha256->as_string()) {
      return Refuted("this file is not " + proof.number + " as filed: its SHA-256 is " + whole +
                     ", the entry records " + sha256->as_string());
    }
    appended = true;
  }

  // The entry in the signed tree.
  std::vector<core::MerkleHash> path;
  for (const std::string& h : proof.path) {
    core::MerkleHash parsed{};
    core::ParseMerkleHash(h, &parsed);
    path.push_back(parsed);
  }
  if (core::Status included = core::VerifyMerkleInclusion(
          static_cast<uint64_t>(proof.seq - 1), checkpoint->size, core::MerkleLeafHash(proof.entry),
          path, checkpoint->root);
      !included.ok()) {
    return Refuted("the entry is not in the signed checkpoint: " + included.message());
  }
  return proof.number + (appended ? " as filed, with an incremental update appended (a 补打 reprint)"
                                  : " as filed, byte for byte") +
         ": its ingest entry " + std::to_string(proof.seq) + " is in the audit log's checkpoint of " +
         std::to_string(checkpoint->size) + " entries signed at " + checkpoint->time + " by " +
         checkpoint->key_id;
}

core::Result<PdfAConformance> CheckPdfAConformance(std::string_view pdf) {
  BEIAN_ASSIGN_OR_RETURN(render::PdfAReport report, render::CheckPdfA(pdf));
  PdfAConformance out;
  out.part = report.part;
  out.conformance = report.conformance;
  for (render::PdfAFinding& f : report.findings) out.findings.push_back({f.clause, std::move(f.message)});
  out.not_checked = std::move(report.not_checked);
  return out;
}

}  // namespace beian::service
