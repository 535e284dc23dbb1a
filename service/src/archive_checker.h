// Builds the 四性检测 (archive_check.h) from what verify found, a pass over every stored PDF and
// the permissions of the archive's files.
#ifndef BEIAN_SERVICE_SRC_ARCHIVE_CHECKER_H_
#define BEIAN_SERVICE_SRC_ARCHIVE_CHECKER_H_

#include <map>
#include <string>
#include <vector>

#include "beian/archive/archive.h"
#include "beian/core/status.h"
#include "beian/service/archive_check.h"
#include "beian/service/views.h"

namespace beian::service {

class ArchiveChecker {
 public:
  ArchiveChecker(std::string folder, std::string checked_at, std::string operator_name);

  // Items 1.1–2.3 and the totals, from Verify's outcome (storage checks and re-rendering).
  void AddVerifyOutcome(const VerifyOutcome& verified);
  // Items 3.1, 3.2, 4.2, 4.3: every distinct stored file of a document, copy or reprint is
  // read and examined (a missing one is 2.1's, from verify).
  core::Status ExamineStoredFiles(archive::Archive& store);
  // Item 4.4: nothing under `paths` (the archive's folder, the signing key) may be read or
  // written by anyone but its owner.
  void CheckPermissions(const std::vector<std::string>& paths);

  ArchiveCheck Finish();

 private:
  CheckItem& Item(const std::string& code);
  void Fail(const std::string& code, std::string object, std::string message);

  ArchiveCheck check_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_ARCHIVE_CHECKER_H_
