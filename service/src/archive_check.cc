#include "beian/service/archive_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "archive_checker.h"
#include "beian/render/pdf_tools.h"

namespace beian::service {
namespace {

struct ItemDefinition {
  const char* code;
  const char* aspect;
  const char* name;
  const char* method;
};

// DA/T 70-2018's terms; beian's codes and methods.
constexpr ItemDefinition kItems[] = {
    {"1.1", "真实性", "固化信息有效性检测",
     "逐个重新计算存储文件的 SHA-256 与 SM3 摘要及长度，与目录记录比对"},
    {"1.2", "真实性", "元数据与内容数据一致性检测",
     "目录记录与审计日志登记的行摘要比对；状态与日志比对；按原数据与模板版本重新生成每件文书，逐字节比对"},
    {"1.3", "真实性", "过程信息真实性检测",
     "校验审计日志哈希链与默克尔树，校验每个签名检查点的签名，确认日志延续最近的检查点"},
    {"2.1", "完整性", "内容数据完整性检测", "每条目录记录均有其存储文件，审计日志登记的记录均在目录中"},
    {"2.2", "完整性", "连续性元数据项检测",
     "各区各年文书编号连续：每个序号或为文书、或为登记的作废号、或为在途分配"},
    {"2.3", "完整性", "过程信息完整性检测", "审计日志无缺号，检查点文件完整且达到目录登记的最近检查点"},
    {"3.1", "可用性", "内容数据可读性检测",
     "逐个解析 PDF（对象、数据流、页树），页数与目录一致，文书字体均带 ToUnicode 以便提取文字"},
    {"3.2", "可用性", "内容数据格式检测", "存储文件均为 PDF（签章扫描件已封装为 PDF）"},
    {"4.1", "安全性", "病毒感染检测",
     "beian 不含杀毒引擎，未做此项：请用本单位的杀毒软件扫描档案库的 blobs 目录"},
    {"4.2", "安全性", "恶意代码检测", "PDF 中无 JavaScript 脚本、无启动外部程序的动作"},
    {"4.3", "安全性", "加密检测", "PDF 均未加密（无口令、无权限限制）"},
    {"4.4", "安全性", "存储安全性检测", "档案库目录、目录库、存储文件与签名密钥仅属主可访问"},
};

// Which item a verify finding fails.
const char* ItemOfFinding(const std::string& kind) {
  static const std::map<std::string, const char*> kByKind = {
      {"blob-corrupt", "1.1"},          {"blob-sm3-mismatch", "1.1"},
      {"blob-size-mismatch", "1.1"},    {"row-edited", "1.2"},
      {"status-mismatch", "1.2"},       {"reprint-not-prefix", "1.2"},
      {"rerender-mismatch", "1.2"},     {"rerender-failed", "1.2"},
      {"audit-row-edited", "1.3"},      {"audit-chain-broken", "1.3"},
      {"audit-head-mismatch", "1.3"},   {"audit-detail-invalid", "1.3"},
      {"merkle-tree-mismatch", "1.3"},  {"log-rewritten", "1.3"},
      {"checkpoint-invalid", "1.3"},    {"checkpoint-key-changed", "1.3"},
      {"blob-missing", "2.1"},          {"row-missing", "2.1"},
      {"row-not-audited", "2.1"},       {"serial-unaccounted", "2.2"},
      {"counter-behind", "2.2"},        {"void-filed", "2.2"},
      {"audit-row-missing", "2.3"},     {"checkpoints-missing", "2.3"},
      {"log-truncated", "2.3"},
  };
  auto it = kByKind.find(kind);
  // A kind added to verify later and not mapped here still fails the report.
  return it != kByKind.end() ? it->second : "1.2";
}

const char* ResultLabel(CheckResult r) {
  switch (r) {
    case CheckResult::kPass:
      return "通过";
    case CheckResult::kFail:
      return "不通过";
    case CheckResult::kNotPerformed:
      return "未检测";
  }
  return "";
}

// An item's code, aspect, name, method, count and `result`.
core::Json ItemJson(const CheckItem& i, std::string result) {
  core::Json item = core::Json::MakeObject();
  item.Set("code", i.code);
  item.Set("aspect", i.aspect);
  item.Set("name", i.name);
  item.Set("method", i.method);
  item.Set("checked", i.checked);
  item.Set("result", std::move(result));
  return item;
}

}  // namespace

std::string_view CheckResultName(CheckResult result) {
  switch (result) {
    case CheckResult::kPass:
      return "pass";
    case CheckResult::kFail:
      return "fail";
    case CheckResult::kNotPerformed:
      return "not-performed";
  }
  return "";
}

bool ArchiveCheck::passed() const {
  return std::none_of(items.begin(), items.end(),
                      [](const CheckItem& i) { return i.result == CheckResult::kFail; });
}

std::string ArchiveCheck::Conclusion() const {
  std::string failed, skipped;
  int passed_items = 0;
  for (const CheckItem& i : items) {
    if (i.result == CheckResult::kPass) ++passed_items;
    std::string& into = i.result == CheckResult::kFail ? failed : skipped;
    if (i.result != CheckResult::kPass) into += (into.empty() ? "" : "、") + i.code + " " + i.name;
  }
  std::string out;
  if (failed.empty()) {
    out = "所检 " + std::to_string(passed_items) + " 项均通过";
  } else {
    out = "不合格：" + failed + " 不通过（见不通过明细），其余 " + std::to_string(passed_items) + " 项通过";
  }
  if (!skipped.empty()) out += "；" + skipped + "未做（见检测方法）";
  return out + "。";
}

core::Json ArchiveCheckJson(const ArchiveCheck& c) {
  core::Json o = core::Json::MakeObject();
  o.Set("passed", c.passed());
  o.Set("checked_at", c.checked_at);
  o.Set("folder", c.folder);
  o.Set("operator", c.operator_name);
  core::Json totals = core::Json::MakeObject();
  totals.Set("documents", c.documents);
  totals.Set("signed_copies", c.signed_copies);
  totals.Set("reprints", c.reprints);
  totals.Set("blobs", c.blobs);
  totals.Set("bytes", c.bytes);
  totals.Set("audit_entries", c.audit_entries);
  totals.Set("checkpoints", c.checkpoints);
  o.Set("totals", std::move(totals));
  o.Set("merkle_root", c.merkle_root);
  o.Set("latest_checkpoint", c.latest_checkpoint);
  core::Json items = core::Json::MakeArray();
  for (const CheckItem& i : c.items) {
    core::Json item = ItemJson(i, std::string(CheckResultName(i.result)));
    core::Json failures = core::Json::MakeArray();
    for (const CheckFailure& f : i.failures) {
      core::Json failure = core::Json::MakeObject();
      failure.Set("object", f.object);
      failure.Set("message", f.message);
      failures.Push(std::move(failure));
    }
    item.Set("failures", std::move(failures));
    items.Push(std::move(item));
  }
  o.Set("items", std::move(items));
  o.Set("conclusion", c.Conclusion());
  return o;
}

core::Json ArchiveCheckReportData(const ArchiveCheck& c, size_t max_failures) {
  core::Json o = core::Json::MakeObject();
  core::Json archive = core::Json::MakeObject();
  archive.Set("folder", c.folder);
  o.Set("archive", std::move(archive));
  o.Set("checked_at", c.checked_at);
  o.Set("operator", c.operator_name);
  core::Json json = ArchiveCheckJson(c);
  o.Set("totals", *json.Find("totals"));
  o.Set("merkle_root", c.merkle_root);
  if (!c.latest_checkpoint.empty()) o.Set("latest_checkpoint", c.latest_checkpoint);
  core::Json items = core::Json::MakeArray();
  core::Json failures = core::Json::MakeArray();
  size_t listed = 0, unlisted = 0;
  for (const CheckItem& i : c.items) {
    items.Push(ItemJson(i, ResultLabel(i.result)));
    for (const CheckFailure& f : i.failures) {
      if (listed == max_failures) {
        ++unlisted;
        continue;
      }
      ++listed;
      core::Json failure = core::Json::MakeObject();
      failure.Set("code", i.code);
      failure.Set("object", f.object.substr(0, 200));
      failure.Set("message", f.message.substr(0, 600));
      failures.Push(std::move(failure));
    }
  }
  o.Set("checks", std::move(items));
  o.Set("failures", std::move(failures));
  std::string conclusion = c.Conclusion();
  if (unlisted > 0) conclusion += "另有 " + std::to_string(unlisted) + " 处问题未列出（见 beian archive check --json）。";
  o.Set("conclusion", conclusion);
  return o;
}

// ---- ArchiveChecker

ArchiveChecker::ArchiveChecker(std::string folder, std::string checked_at, std::string operator_name) {
  check_.folder = std::move(folder);
  check_.checked_at = std::move(checked_at);
  check_.operator_name = std::move(operator_name);
  for (const ItemDefinition& d : kItems) {
    CheckItem item;
    item.code = d.code;
    item.aspect = d.aspect;
    item.name = d.name;
    item.method = d.method;
    if (item.code == "4.1") item.result = CheckResult::kNotPerformed;
    check_.items.push_back(std::move(item));
  }
}

CheckItem& ArchiveChecker::Item(const std::string& code) {
  for (CheckItem& i : check_.items) {
    if (i.code == code) return i;
  }
  return check_.items.front();  // every code used is one of kItems
}

void ArchiveChecker::Fail(const std::string& code, std::string object, std::string message) {
  CheckItem& item = Item(code);
  item.result = CheckResult::kFail;
  item.failures.push_back({std::move(object), std::move(message)});
}

void ArchiveChecker::AddVerifyOutcome(const VerifyOutcome& v) {
  check_.documents = v.documents;
  check_.signed_copies = v.signed_copies;
  check_.reprints = v.reprints;
  check_.blobs = v.blobs;
  check_.bytes = v.bytes_hashed;
  check_.audit_entries = v.audit_entries;
  check_.checkpoints = v.checkpoints;
  check_.merkle_root = v.merkle_root;
  check_.latest_checkpoint = v.latest_checkpoint;
  const int64_t records = v.documents + v.signed_copies + v.reprints;
  Item("1.1").checked = v.blobs;
  Item("1.2").checked = records;
  Item("1.3").checked = v.audit_entries;
  Item("2.1").checked = records;
  Item("2.2").checked = v.documents;
  Item("2.3").checked = v.audit_entries;
  for (const VerifyFinding& f : v.problems) {
    const std::string object = !f.number.empty()  ? f.number
                               : f.audit_seq > 0 ? "审计日志第 " + std::to_string(f.audit_seq) + " 条"
                                                 : f.kind;
    Fail(ItemOfFinding(f.kind), object, f.message);
  }
}

core::Status ArchiveChecker::ExamineStoredFiles(archive::Archive& store) {
  struct Stored {
    std::string sha256;
    std::string owner;  // "京朝备〔2026〕000001号", "… 签章件 3", "… 补打 2"
    int pages = 0;      // as recorded (0: not recorded)
    bool generated = false;  // made by beian: its text must extract
  };
  std::vector<Stored> files;
  std::map<int64_t, std::string> numbers;
  BEIAN_RETURN_IF_ERROR(store.ForEachDocument([&](const archive::Document& d) {
    numbers[d.id] = d.number;
    files.push_back({d.sha256, d.number, static_cast<int>(d.pages), true});
    return core::Status::Ok();
  }));
  BEIAN_RETURN_IF_ERROR(store.ForEachSignedCopy([&](const archive::SignedCopy& c) {
    files.push_back({c.sha256, numbers[c.document_id] + " 签章件 " + std::to_string(c.id),
                     static_cast<int>(c.pages), false});
    return core::Status::Ok();
  }));
  BEIAN_RETURN_IF_ERROR(store.ForEachReprint([&](const archive::Reprint& r) {
    if (r.marked) {
      files.push_back({r.sha256, numbers[r.document_id] + " 补打 " + std::to_string(r.id), 0, true});
    }
    return core::Status::Ok();
  }));
  std::set<std::string> seen;
  int64_t examined = 0;
  for (const Stored& f : files) {
    if (f.sha256.empty() || !seen.insert(f.sha256).second) continue;
    core::Result<std::string> bytes = store.ReadBlob(f.sha256);
    if (!bytes.ok()) continue;  // 2.1 reports what is missing
    ++examined;
    core::Result<std::string> type = render::SniffMediaType(*bytes);
    if (!type.ok() || *type != "application/pdf") {
      Fail("3.2", f.owner, "存储文件 " + f.sha256.substr(0, 16) + "… 不是 PDF（" +
                               (type.ok() ? *type : std::string("无法识别")) + "）");
      continue;
    }
    core::Result<render::PdfExamination> found = render::ExaminePdf(*bytes);
    if (!found.ok()) {
      Fail("3.1", f.owner, "PDF 无法解析：" + found.status().message());
      continue;
    }
    if (found->encrypted) {
      Fail("4.3", f.owner, "PDF 已加密");
      continue;
    }
    if (f.pages > 0 && found->pages != f.pages) {
      Fail("3.1", f.owner, "PDF 有 " + std::to_string(found->pages) + " 页，目录记录为 " +
                               std::to_string(f.pages) + " 页");
    }
    if (f.generated && (found->fonts == 0 || found->fonts_without_unicode > 0)) {
      Fail("3.1", f.owner, found->fonts == 0 ? "PDF 中没有文字字体，无法提取文字"
                                             : std::to_string(found->fonts_without_unicode) +
                                                   " 个字体缺少 ToUnicode，文字无法正确提取");
    }
    if (found->javascript) Fail("4.2", f.owner, "PDF 含 JavaScript 脚本");
    if (found->launch) Fail("4.2", f.owner, "PDF 含启动外部程序的动作（/Launch）");
  }
  for (const char* code : {"3.1", "3.2", "4.2", "4.3"}) Item(code).checked = examined;
  return core::Status::Ok();
}

void ArchiveChecker::CheckPermissions(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  int64_t checked = 0;
  auto check = [&](const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return;
    ++checked;
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      Fail("4.4", p.string(), std::string("权限为 ") + mode + "，属主以外的用户可访问");
    }
  };
  for (const std::string& root : paths) {
    std::error_code error;
    if (!fs::exists(root, error)) continue;
    check(root);
    if (!fs::is_directory(root, error)) continue;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      check(it->path());
    }
  }
  Item("4.4").checked = checked;
}

ArchiveCheck ArchiveChecker::Finish() { return std::move(check_); }

}  // namespace beian::service
