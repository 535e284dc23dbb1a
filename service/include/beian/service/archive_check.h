// The archive's 四性检测 after DA/T 70-2018《文书类电子档案检测一般要求》(长期保存环节):
// 真实性 (authenticity), 完整性 (integrity), 可用性 (usability), 安全性 (security), item by item,
// each with what was checked, how, and the objects that failed. `beian archive check` prints it
// or renders it as the document kind archive-check-report. See docs/evidence.md.
#ifndef BEIAN_SERVICE_ARCHIVE_CHECK_H_
#define BEIAN_SERVICE_ARCHIVE_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "beian/core/json.h"

namespace beian::service {

enum class CheckResult { kPass, kFail, kNotPerformed };

// "pass", "fail", "not-performed".
std::string_view CheckResultName(CheckResult result);

struct CheckFailure {
  std::string object;   // a document number, a blob, a file, an audit entry
  std::string message;  // what is wrong, for a person
};

struct CheckItem {
  std::string code;    // beian's: "1.1" … "4.4" (aspect.item)
  std::string aspect;  // 真实性, 完整性, 可用性, 安全性
  std::string name;    // the standard's term, e.g. 固化信息有效性检测
  std::string method;  // what beian does for it, in Chinese
  int64_t checked = 0;  // objects checked
  CheckResult result = CheckResult::kPass;
  std::vector<CheckFailure> failures;
};

struct ArchiveCheck {
  std::string folder;      // the archive's folder
  std::string checked_at;  // RFC 3339, Beijing time
  std::string operator_name;
  int64_t documents = 0, signed_copies = 0, reprints = 0, blobs = 0, bytes = 0;
  int64_t audit_entries = 0, checkpoints = 0;
  std::string merkle_root;
  std::string latest_checkpoint;
  std::vector<CheckItem> items;

  // No item failed (an item not performed is not a failure, and says so).
  bool passed() const;
  // One sentence: what passed, what failed, what was not performed.
  std::string Conclusion() const;
};

// {"passed", "checked_at", "folder", "operator", "totals": {...}, "merkle_root",
//  "latest_checkpoint", "items": [{"code", "aspect", "name", "method", "checked", "result",
//  "failures": [{"object", "message"}]}], "conclusion"}.
core::Json ArchiveCheckJson(const ArchiveCheck& check);

// The data of the archive-check-report kind (templates/archive-check-report/schema.json);
// at most `max_failures` failure rows (the rest counted in the conclusion).
core::Json ArchiveCheckReportData(const ArchiveCheck& check, size_t max_failures = 500);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_ARCHIVE_CHECK_H_
