#ifndef BEIAN_DOMAIN_ENTITIES_H_
#define BEIAN_DOMAIN_ENTITIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/json.h"
#include "beian/domain/date.h"
#include "beian/domain/vocabulary.h"

namespace beian::domain {

// Typed views of document data, with the JSON field names of DESIGN.md §3.
// FromJson never fails: a member that is absent or of the wrong JSON type is
// left empty (reporting it is the job of the schema, CheckFields and the
// rules), so every rule can still run on the rest of the data.

// A date field as given: `text` as written ("" if absent), `date` if it is a
// real day.
struct DateField {
  std::string text;
  std::optional<Date> date;

  // True iff something was written.
  bool given() const { return !text.empty(); }
  // Reads a string member ("" and absent alike give an empty field).
  static DateField FromJson(const core::Json* json);
};

// 人员: one person as maintained by an enterprise.
struct Person {
  std::string name;
  std::string gender;  // 男 | 女
  std::string id_number;
  std::string role;  // one of PersonRoles()
  std::string title;      // 职称
  std::string specialty;  // 专业
  std::string certificate_no;
  std::string phone;
  std::string position;  // 职务

  // True iff neither a name nor an id_number is given.
  bool empty() const { return name.empty() && id_number.empty(); }
  // Reads a person object; anything else gives an empty person.
  static Person FromJson(const core::Json& json);
};

// 准予从事物业管理活动时间: a full date, or (on some certificates) only a
// year.
struct LicensedSince {
  DateField date;
  std::optional<int> year_only;  // "2006" or 2006

  // True iff a date or a bare year was given.
  bool given() const { return date.given() || year_only.has_value(); }
};

// 资质: the enterprise's qualification certificate.
struct Qualification {
  std::string level_text;
  std::optional<QualificationLevel> level;  // set iff level_text is exact
  std::string certificate_no;
  DateField approved_on;  // 资质核定日期
  LicensedSince licensed_since;

  // Reads a qualification object.
  static Qualification FromJson(const core::Json& json);
};

// 联系人.
struct Contact {
  std::string name;
  std::string phone;
};

// 分公司.
struct Branch {
  std::string name;
  std::string address;
};

// 物业服务企业.
struct Enterprise {
  std::string name;
  std::string credit_code;
  std::string district;
  std::string registered_address;
  std::string office_address;
  std::optional<double> registered_capital_wan;
  DateField established_on;
  std::optional<Person> legal_representative;  // nullopt if absent or empty
  Qualification qualification;
  Contact contact;
  bool out_of_town = false;  // 外埠在京企业
  std::vector<Branch> branches;

  // Reads an enterprise object.
  static Enterprise FromJson(const core::Json& json);
};

// 合同期限 or any from..to span.
struct Term {
  DateField from;
  DateField to;

  // Reads a {from, to} object.
  static Term FromJson(const core::Json& json);
};

// 物业项目 (one 物业管理区域).
struct Project {
  std::string name;
  std::string address;
  std::string district;
  std::vector<std::string> property_types;
  std::optional<double> building_area_m2;
  std::optional<int64_t> households;
  std::string contract_type;
  std::optional<Person> manager;  // 项目负责人; nullopt if absent or empty
  Term term;

  // True iff property_types lists `type`.
  bool HasType(std::string_view type) const;
  // Reads a project object.
  static Project FromJson(const core::Json& json);
};

// 物业服务合同 as filed.
struct Contract {
  DateField signed_on;
  std::string party;  // 业主大会/业主委员会, or the 建设单位
  std::string fee_standard;
  std::string fee_method;  // 包干制 | 酬金制
};

// The three contract-filing kinds.
enum class FilingKind {
  kContract,     // contract-filing 物业服务合同备案
  kPreliminary,  // preliminary-contract-filing 前期物业服务合同备案
  kOutOfTown,    // out-of-town-contract-filing 外埠在京企业物业服务合同备案
};

// The filing kind named by a document kind; nullopt for other kinds.
std::optional<FilingKind> FilingKindOf(std::string_view kind);

// A contract filing (any of the three kinds).
struct ContractFiling {
  FilingKind kind = FilingKind::kContract;
  Enterprise enterprise;
  std::vector<Person> staff;  // the enterprise's maintained personnel
  Project project;
  Contract contract;
  std::vector<std::pair<std::string, bool>> materials;  // checklist, in order
  DateField applied_on;

  // Reads the data of a filing of the given kind.
  static ContractFiling FromJson(FilingKind kind, const core::Json& json);
};

// 公示: where and when the promotion notice is posted.
struct Notice {
  DateField from;
  DateField to;
  std::string place;
};

// 申请晋升资质等级情况公示 (promotion-notice).
struct PromotionNotice {
  Enterprise enterprise;
  std::string current_level_text;
  std::optional<QualificationLevel> current_level;
  std::string target_level_text;
  std::optional<QualificationLevel> target_level;
  DateField provisional_expires_on;  // for 三级（暂定）
  DateField applied_on;
  Notice notice;
  std::vector<Project> projects;  // all managed projects
  // Indexes into projects that carry public-notice material, as given (may
  // be out of range or repeated: the rules report that). nullopt entries
  // were not integers.
  std::vector<std::optional<int64_t>> noticed;
  Contact contact;

  // Reads promotion-notice data.
  static PromotionNotice FromJson(const core::Json& json);
};

// 资质核查信息表 (qualification-verification).
struct QualificationVerification {
  Enterprise enterprise;
  std::vector<Person> staff;
  std::vector<Project> projects;
  DateField filled_on;

  // Reads qualification-verification data.
  static QualificationVerification FromJson(const core::Json& json);
};

// 受托人 of an authorization letter.
struct Agent {
  std::string name;
  std::string gender;
  std::string id_number;
  std::string position;
  std::string phone;
  std::string work_unit;
};

// 法人授权委托书 (authorization-letter).
struct AuthorizationLetter {
  Enterprise enterprise;
  Agent agent;
  std::vector<std::string> matters;
  DateField valid_from;
  DateField valid_to;
  DateField signed_on;

  // Reads authorization-letter data.
  static AuthorizationLetter FromJson(const core::Json& json);
};

// 物业项目实地核查情况表 (site-verification).
struct SiteVerification {
  Enterprise enterprise;
  Project project;
  std::string applied_level_text;
  std::optional<QualificationLevel> applied_level;

  // Reads site-verification data.
  static SiteVerification FromJson(const core::Json& json);
};

// The filing an acceptance receipt acknowledges.
struct FilingReference {
  std::string kind_name;
  std::string number;
  std::string project_name;
};

// The accepting housing bureau.
struct Bureau {
  std::string name;
  std::string district;
};

// 受理通知书 (acceptance-receipt).
struct AcceptanceReceipt {
  Enterprise enterprise;
  FilingReference filing;
  DateField accepted_on;
  DateField deadline;  // derived: AcceptanceDeadline(accepted_on)
  Bureau bureau;

  // Reads acceptance-receipt data.
  static AcceptanceReceipt FromJson(const core::Json& json);
};

// A person found in a submission, with the JSON Pointer of its object.
struct PersonAt {
  std::string path;
  Person person;
};

// Every person an enterprise maintains that appears in a submission: the
// legal representative, staff[*], project.manager and projects[*].manager, in
// that order. (An authorization letter's agent is not included: the agent
// need not be the enterprise's own personnel.)
std::vector<PersonAt> PersonsIn(const core::Json& submission);

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_ENTITIES_H_
