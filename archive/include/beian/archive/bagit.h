// Export and import of the archive as a BagIt bag (RFC 8493), working only
// through the Archive interface.
//
// Layout of an exported bag:
//
//   bagit.txt               "BagIt-Version: 1.0" and
//                           "Tag-File-Character-Encoding: UTF-8"
//   bag-info.txt            Source-Organization, Bagging-Date (the date of the
//                           newest issued_at exported, so the same content
//                           gives the same bag), Payload-Oxum, External-
//                           Description naming beian and the filter
//   manifest-sha256.txt     "<sha256>  data/<path>" for every payload file,
//                           sorted by path
//   tagmanifest-sha256.txt  the same for bagit.txt, bag-info.txt and
//                           manifest-sha256.txt
//   data/catalog.jsonl      one canonical JSON object per document, in id
//                           order: every catalog field (data as a JSON value,
//                           the lifecycle fields accepted_on ... status_reason),
//                           "file", its "signed_copies" (with "of_record") and
//                           "reprints" with their metadata (and "file" where
//                           bytes exist), and its "lifecycle": the
//                           "set-status" steps of the audit log, oldest first,
//                           each {"actor", "at", "to"} and the lifecycle
//                           fields it set
//
// Not exported: idempotency keys (per-token request state of the archive
// that served the requests), the keyed staff index (derived data: an import
// lists its documents in DocumentsWithoutStaffKeys) and the register of
// allocated and void serials.
//   data/documents/<sha256>.pdf      a document's PDF
//   data/signed-copies/<sha256>.pdf  a signed copy's stored bytes
//   data/reprints/<sha256>.pdf       a marked reprint's PDF (an unmarked
//                                    reprint carries no bytes of its own)
//
// Files are named by the SHA-256 of their bytes, so identical bytes are
// written once.
#ifndef BEIAN_ARCHIVE_BAGIT_H_
#define BEIAN_ARCHIVE_BAGIT_H_

#include <cstdint>
#include <string>

#include "beian/archive/archive.h"
#include "beian/core/status.h"

namespace beian::archive {

// Which documents to export. Empty strings and 0 mean "any".
struct ExportFilter {
  std::string district;  // e.g. "朝阳区"
  int year = 0;          // the year of issued_at
  std::string kind;      // e.g. "contract-filing"
};

// What an export wrote.
struct ExportSummary {
  std::string dir;
  int64_t documents = 0;
  int64_t signed_copies = 0;
  int64_t reprints = 0;
  int64_t payload_files = 0;  // including data/catalog.jsonl
  int64_t payload_bytes = 0;
  std::string manifest_sha256;  // of manifest-sha256.txt
};

// What an import restored.
struct ImportSummary {
  int64_t documents = 0;
  int64_t signed_copies = 0;
  int64_t reprints = 0;
  int64_t payload_files = 0;
  int64_t payload_bytes = 0;
};

// Writes the documents matching `filter`, with their signed copies and
// reprints, as a bag at `dir`. The bag is built in a temporary directory beside
// `dir` and renamed into place at the end. Appends an "export" audit entry
// (subject `dir`; detail: counts, filter and the manifest's SHA-256).
// kFailedPrecondition if `dir` exists and is not an empty directory; kIoError
// if writing fails.
// `progress` ("documents", done, total) is told of each document written.
core::Result<ExportSummary> ExportBag(Archive& archive, const std::string& dir,
                                      const ExportFilter& filter,
                                      const std::string& actor,
                                      const Progress& progress = nullptr);

// Checks the bag at `dir` completely (bagit.txt, every manifest and tag
// manifest digest, Payload-Oxum, no payload file outside the manifest, the
// catalog against the files), then re-creates every document with its
// original number, issue time and data, its signed copies and reprints, and
// replays its lifecycle step by step with the original actors and times
// (each "set-status" detail naming the bag in "imported_from"; a bag from
// before lifecycles gets one step to its status by `actor`), and appends an
// "import" audit entry. kFailedPrecondition unless the
// archive holds no document; kInvalidArgument naming the file for any
// missing, extra or altered file or malformed catalog line, with nothing
// imported.
// `progress` ("documents", done, total) is told of each document re-created.
core::Result<ImportSummary> ImportBag(Archive& archive, const std::string& dir,
                                      const std::string& actor,
                                      const Progress& progress = nullptr);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_BAGIT_H_
