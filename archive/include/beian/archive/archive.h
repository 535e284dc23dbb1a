// The archive interface: filed documents, signed copies, reprints, the audit
// log and verification, independent of where they are stored. SqliteArchive is
// the embedded implementation; a PostgreSQL one can fill the same interface.
#ifndef BEIAN_ARCHIVE_ARCHIVE_H_
#define BEIAN_ARCHIVE_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/archive/records.h"
#include "beian/archive/verify_report.h"
#include "beian/core/status.h"

namespace beian::archive {

// Implementations are thread-safe. Every change is atomic together with its
// audit entry (concurrent ingests may share one commit, each under a
// savepoint of its own); a call returns after its change is durable, and a
// failed call changes nothing in the catalog (a blob written before the
// failure may remain, reported by verify as unreferenced).
class Archive {
 public:
  virtual ~Archive() = default;

  // Reserves the next 文书编号 for `district` and `year` (see
  // document_number.h), e.g. "京朝备〔2026〕000123号". Serials count up per
  // district and year across all kinds and are never reused; a number
  // allocated but never ingested leaves a gap. kInvalidArgument for an unknown
  // district or a year outside 2000..9999.
  virtual core::Result<std::string> AllocateNumber(std::string_view district,
                                                   int year,
                                                   std::string_view kind) = 0;

  // Stores the PDF as a blob, then the catalog row and its "ingest" audit entry
  // in one transaction. kInvalidArgument for a malformed record (empty PDF,
  // bad time, unknown district, an ID number in a catalog column, a number of
  // another district); kFailedPrecondition if the number is already filed.
  virtual core::Result<Document> Ingest(const NewDocument& document) = 0;

  // The document with that id; kNotFound if none.
  virtual core::Result<Document> Get(int64_t id) = 0;

  // The document with that number. Accepts the printed form and common typing
  // variants ("京朝备[2026]123号"); kNotFound if none.
  virtual core::Result<Document> FindByNumber(std::string_view number) = 0;

  // Everything whose bytes have this SHA-256 (64 hex chars, any case).
  virtual core::Result<Sha256Matches> FindBySha256(std::string_view sha256) = 0;

  // The bytes of the blob with that SHA-256; kNotFound if absent.
  virtual core::Result<std::string> ReadBlob(std::string_view sha256) = 0;

  // Files a signed copy of an existing document ("attach" audit entry); an
  // issued document becomes signed. kNotFound for an unknown document.
  virtual core::Result<SignedCopy> AttachSignedCopy(
      const NewSignedCopy& copy) = 0;

  // The signed copies of a document, oldest first.
  virtual core::Result<std::vector<SignedCopy>> SignedCopiesOf(
      int64_t document_id) = 0;

  // Records a reprint ("reprint" audit entry), storing a marked reprint's
  // bytes. kInvalidArgument if a marked reprint does not begin with the
  // original's bytes or an unmarked one carries bytes.
  virtual core::Result<Reprint> AddReprint(const NewReprint& reprint) = 0;

  // The reprints of a document, oldest first.
  virtual core::Result<std::vector<Reprint>> ReprintsOf(
      int64_t document_id) = 0;

  // Changes a document's status ("set-status" audit entry with the reason).
  // kFailedPrecondition when leaving kRevoked.
  virtual core::Result<Document> SetStatus(int64_t document_id,
                                           DocumentStatus status,
                                           std::string_view actor,
                                           std::string_view reason) = 0;

  // Appends an entry for an operation outside the catalog (export, import).
  // kInvalidArgument for the archive's own actions or a malformed action.
  virtual core::Result<AuditEntry> AppendAudit(const NewAuditEntry& entry) = 0;

  // A page of documents matching `filter`, newest first; pass page.next back
  // as filter.after for the following page. Stable under concurrent ingests:
  // no document is skipped or repeated.
  virtual core::Result<DocumentPage> ListDocuments(
      const DocumentFilter& filter) = 0;

  // Documents matching `query` (see SearchQuery) and its filter, newest filed
  // first (id descending: filing order, which is issue order for documents
  // ingested when issued); pass page.next back as query.filter.after for the
  // following page (stable: no document skipped or repeated). Results carry no
  // `data` (it may hold personal ID numbers): Document::data is "" in them.
  // kInvalidArgument for a query the index cannot answer (empty, a single
  // Chinese character, a personal ID number, ...) or a bad limit.
  virtual core::Result<DocumentPage> Search(const SearchQuery& query) = 0;

  // Calls `fn` for every document in id order, stopping at the first error
  // (which is returned). `fn` may call back into the archive. This is the hook
  // for re-rendering: a document carries kind, template_version, data, number,
  // issued_at and sha256.
  virtual core::Status ForEachDocument(
      const std::function<core::Status(const Document&)>& fn) = 0;

  // Like ForEachDocument, for signed copies.
  virtual core::Status ForEachSignedCopy(
      const std::function<core::Status(const SignedCopy&)>& fn) = 0;

  // Like ForEachDocument, for reprints.
  virtual core::Status ForEachReprint(
      const std::function<core::Status(const Reprint&)>& fn) = 0;

  // Like ForEachDocument, for audit entries in seq order.
  virtual core::Status ForEachAuditEntry(
      const std::function<core::Status(const AuditEntry&)>& fn) = 0;

  // Records an access token ("token-create" audit entry). kInvalidArgument
  // when the role's scope is missing or malformed (an enterprise token needs
  // an 18-character credit code, a bureau token a district, an admin token
  // neither); kFailedPrecondition if the secret's digest is recorded already.
  virtual core::Result<AccessToken> AddAccessToken(
      const NewAccessToken& token) = 0;

  // The token whose secret hashes to `secret_sha256`, revoked or not;
  // kNotFound if none.
  virtual core::Result<AccessToken> FindAccessToken(
      std::string_view secret_sha256) = 0;

  // Every recorded token, oldest first.
  virtual core::Result<std::vector<AccessToken>> ListAccessTokens() = 0;

  // Revokes a token for good ("token-revoke" audit entry); revoking a revoked
  // token changes nothing. kNotFound for an unknown id.
  virtual core::Result<AccessToken> RevokeAccessToken(
      int64_t id, std::string_view actor) = 0;

  // Checks storage over one consistent snapshot of the catalog: every blob
  // re-hashed (SHA-256 and SM3) against the catalog, every row has its blob,
  // no blob unreferenced, every row matches the digest its audit entry
  // recorded, statuses agree with the log, and the audit chain is walked. The
  // report names each problem's document number, blob or audit seq. An error
  // status only when verification itself could not run.
  virtual core::Result<VerifyReport> VerifyStorage(
      const VerifyProgress& progress = nullptr) = 0;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_ARCHIVE_H_
