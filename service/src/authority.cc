#include "authority.h"

#include <string>

#include "documents.h"

namespace beian::service {
namespace {

core::Status Refuse(std::vector<core::Problem>& problems, core::Status status, std::string path,
                    std::string code, std::string message, std::string message_en) {
  problems.push_back({std::move(path), std::move(code), std::move(message), std::move(message_en)});
  return status;
}

core::Status Denied(std::vector<core::Problem>& problems, std::string path, std::string message,
                    const std::string& message_en) {
  return Refuse(problems, core::PermissionDenied(message_en), std::move(path), "authority.denied",
                std::move(message), message_en);
}

}  // namespace

bool InScope(const Identity& who, const archive::Document& document) {
  switch (who.role) {
    case Role::kAdmin:
      return true;
    case Role::kBureau:
      return !who.district.empty() && document.district == who.district;
    case Role::kEnterprise:
      return !who.credit_code.empty() && document.credit_code == who.credit_code;
  }
  return false;
}

core::Status RequireBureauOf(const Identity& who, const archive::Document& document, std::string_view action) {
  if (who.role == Role::kAdmin) return core::Status::Ok();
  if (who.role == Role::kBureau && !who.district.empty() && document.district == who.district) {
    return core::Status::Ok();
  }
  return core::PermissionDenied(std::string(action) + " is for the bureau of " + document.district +
                                " or an administrator");
}

core::Status RequireAdmin(const Identity& who, std::string_view action) {
  if (who.role == Role::kAdmin) return core::Status::Ok();
  return core::PermissionDenied(std::string(action) + " is for administrators");
}

core::Status AuthorizeIssue(const Identity& who, const KindInfo& kind, core::Json& data,
                            std::vector<core::Problem>& problems) {
  // The archive's own reports (四性检测报告) are made by `beian archive check` from the
  // archive itself, never issued from data someone typed in.
  if (kind.issuer == Role::kAdmin) {
    return Denied(problems, "/kind", kind.title + "由 beian archive check 依档案库生成，不能出具",
                  kind.name + " is made by `beian archive check` from the archive, not issued");
  }
  if (who.role == Role::kAdmin) return core::Status::Ok();
  if (kind.issuer == Role::kBureau) {
    if (who.role != Role::kBureau) {
      return Denied(problems, "/kind", kind.title + "由区县房屋行政主管部门出具，企业不能出具",
                    kind.name + " is issued by a district bureau, not by an enterprise");
    }
    if (who.name.empty() || who.district.empty()) {
      return Denied(problems, "/kind", "该令牌未登记受理机关名称，请重新申领",
                    "this bureau token records no bureau name; ask an administrator for a new one");
    }
    // A bureau's paper about a project (实地核查) is the project's district's.
    const std::string project_district = StringAt(data, "/project/district");
    if (!project_district.empty() && project_district != who.district) {
      return Denied(problems, "/data/project/district", "只能出具本区物业项目的文书",
                    "a bureau issues papers about projects in " + who.district + " only");
    }
    core::Json bureau = core::Json::MakeObject();
    bureau.Set("name", who.name);
    bureau.Set("district", who.district);
    data.Set("bureau", std::move(bureau));
    return core::Status::Ok();
  }
  if (who.role != Role::kEnterprise) {
    return Denied(problems, "/kind", kind.title + "由物业服务企业出具",
                  kind.name + " is issued by the enterprise itself, not by a bureau");
  }
  if (StringAt(data, "/enterprise/credit_code") != who.credit_code) {
    return Denied(problems, "/data/enterprise/credit_code", "只能以本企业的统一社会信用代码出具文书",
                  "an enterprise issues documents only under its own credit code " + who.credit_code);
  }
  if (who.name.empty()) {
    return Denied(problems, "/data/enterprise/name", "该令牌未登记企业名称，请重新申领",
                  "this enterprise token records no registered name; ask an administrator for a new one");
  }
  if (StringAt(data, "/enterprise/name") != who.name) {
    return Refuse(problems, core::InvalidArgument("the enterprise name differs from the registered name"),
                  "/enterprise/name", "enterprise.name_mismatch",
                  "企业名称应与登记名称“" + who.name + "”一致",
                  "the enterprise name must be the registered name \"" + who.name + "\"");
  }
  return core::Status::Ok();
}

core::Status AuthorizeBackfill(const Identity& who, std::vector<core::Problem>& problems) {
  if (who.role == Role::kAdmin) return core::Status::Ok();
  return Denied(problems, "/issued_at", "出具时间由系统确定，只有管理员补录纸质档案时可以指定",
                "the issue time is the server's; only an administrator backfilling a paper archive may give one");
}

}  // namespace beian::service
