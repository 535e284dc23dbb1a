#include <algorithm>
#include "beian/archive/archive.h"

#include <string>

namespace beian::archive {

namespace {

constexpr DocumentStatus kAllStatuses[] = {
    DocumentStatus::kIssued,   DocumentStatus::kSigned,
    DocumentStatus::kAccepted, DocumentStatus::kFiled,
    DocumentStatus::kRefused,  DocumentStatus::kRevoked};

}  // namespace

std::string_view DocumentStatusName(DocumentStatus status) {
  switch (status) {
    case DocumentStatus::kIssued:
      return "issued";
    case DocumentStatus::kSigned:
      return "signed";
    case DocumentStatus::kAccepted:
      return "accepted";
    case DocumentStatus::kFiled:
      return "filed";
    case DocumentStatus::kRefused:
      return "refused";
    case DocumentStatus::kRevoked:
      return "revoked";
  }
  return "issued";
}

core::Result<DocumentStatus> ParseDocumentStatus(std::string_view name) {
  for (DocumentStatus s : kAllStatuses) {
    if (DocumentStatusName(s) == name) return s;
  }
  return core::InvalidArgument(
      "unknown document status \"" + std::string(name) +
      "\": expected issued, signed, accepted, filed, refused or revoked");
}

std::string_view FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kBlobMissing:
      return "blob-missing";
    case FindingKind::kBlobCorrupt:
      return "blob-corrupt";
    case FindingKind::kBlobSm3Mismatch:
      return "blob-sm3-mismatch";
    case FindingKind::kBlobSizeMismatch:
      return "blob-size-mismatch";
    case FindingKind::kRowEdited:
      return "row-edited";
    case FindingKind::kRowNotAudited:
      return "row-not-audited";
    case FindingKind::kRowMissing:
      return "row-missing";
    case FindingKind::kStatusMismatch:
      return "status-mismatch";
    case FindingKind::kReprintNotPrefix:
      return "reprint-not-prefix";
    case FindingKind::kAuditRowEdited:
      return "audit-row-edited";
    case FindingKind::kAuditRowMissing:
      return "audit-row-missing";
    case FindingKind::kAuditChainBroken:
      return "audit-chain-broken";
    case FindingKind::kAuditHeadMismatch:
      return "audit-head-mismatch";
    case FindingKind::kAuditDetailInvalid:
      return "audit-detail-invalid";
    case FindingKind::kSerialUnaccounted:
      return "serial-unaccounted";
    case FindingKind::kCounterBehind:
      return "counter-behind";
    case FindingKind::kVoidFiled:
      return "void-filed";
    case FindingKind::kMerkleTreeMismatch:
      return "merkle-tree-mismatch";
    case FindingKind::kLogRewritten:
      return "log-rewritten";
    case FindingKind::kLogTruncated:
      return "log-truncated";
    case FindingKind::kCheckpointsMissing:
      return "checkpoints-missing";
    case FindingKind::kCheckpointInvalid:
      return "checkpoint-invalid";
    case FindingKind::kCheckpointKeyChanged:
      return "checkpoint-key-changed";
    case FindingKind::kBlobUnreferenced:
      return "blob-unreferenced";
    case FindingKind::kStrayFile:
      return "stray-file";
    case FindingKind::kSerialInFlight:
      return "serial-in-flight";
    case FindingKind::kEntriesUnsigned:
      return "entries-unsigned";
    case FindingKind::kCheckpointResidue:
      return "checkpoint-residue";
  }
  return "unknown";
}

bool IsProblem(FindingKind kind) {
  return kind != FindingKind::kBlobUnreferenced &&
         kind != FindingKind::kStrayFile &&
         kind != FindingKind::kSerialInFlight &&
         kind != FindingKind::kEntriesUnsigned &&
         kind != FindingKind::kCheckpointResidue;
}

std::string_view AccessRoleName(AccessRole role) {
  switch (role) {
    case AccessRole::kEnterprise:
      return "enterprise";
    case AccessRole::kBureau:
      return "bureau";
    case AccessRole::kAdmin:
      return "admin";
  }
  return "";
}

core::Result<AccessRole> ParseAccessRole(std::string_view name) {
  for (AccessRole r :
       {AccessRole::kEnterprise, AccessRole::kBureau, AccessRole::kAdmin}) {
    if (AccessRoleName(r) == name) return r;
  }
  return core::InvalidArgument("unknown role \"" + std::string(name) +
                               "\" (enterprise, bureau or admin)");
}

bool IsVerifyUrl(std::string_view url) {
  if (url.size() > 200 || url.empty() || url.back() == '/') return false;
  size_t host = 0;
  if (url.compare(0, 7, "http://") == 0) {
    host = 7;
  } else if (url.compare(0, 8, "https://") == 0) {
    host = 8;
  } else {
    return false;
  }
  if (url.size() == host || url[host] == '/' || url[host] == ':') return false;
  return std::all_of(url.begin(), url.end(), [](char c) { return c > ' ' && c < 0x7F && c != '?' && c != '#'; });
}

bool IsUsername(std::string_view username) {
  if (username.size() < 2 || username.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(username.front())) return false;
  return std::all_of(username.begin(), username.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace beian::archive
