#include "beian/domain/entities.h"

#include <algorithm>

#include "date_parse.h"

namespace beian::domain {
namespace {

const core::Json& Null() {
  static const core::Json kNull;
  return kNull;
}

// The member `key`, or null.
const core::Json& Member(const core::Json& json, std::string_view key) {
  const core::Json* value = json.Find(key);
  return value != nullptr ? *value : Null();
}

// The string member `key`, or "" if absent or not a string.
std::string String(const core::Json& json, std::string_view key) {
  const core::Json& value = Member(json, key);
  return value.is_string() ? value.as_string() : std::string();
}

std::optional<double> Number(const core::Json& json, std::string_view key) {
  const core::Json& value = Member(json, key);
  if (!value.is_number()) return std::nullopt;
  return value.as_number();
}

std::optional<Person> OptionalPerson(const core::Json& json) {
  Person person = Person::FromJson(json);
  if (person.empty()) return std::nullopt;
  return person;
}

std::vector<Person> People(const core::Json& json) {
  std::vector<Person> people;
  for (const core::Json& item : json.as_array()) {
    people.push_back(Person::FromJson(item));
  }
  return people;
}

std::vector<Project> Projects(const core::Json& json) {
  std::vector<Project> projects;
  for (const core::Json& item : json.as_array()) {
    projects.push_back(Project::FromJson(item));
  }
  return projects;
}

Contact ContactFrom(const core::Json& json) {
  return Contact{String(json, "name"), String(json, "phone")};
}

}  // namespace

DateField DateField::FromJson(const core::Json* json) {
  DateField field;
  if (json == nullptr || !json->is_string()) return field;
  field.text = json->as_string();
  Date date;
  if (core::ParseDate(field.text, &date) == core::DateFault::kNone) {
    field.date = date;
  }
  return field;
}

Person Person::FromJson(const core::Json& json) {
  Person p;
  p.name = String(json, "name");
  p.gender = String(json, "gender");
  p.id_number = String(json, "id_number");
  p.role = String(json, "role");
  p.title = String(json, "title");
  p.specialty = String(json, "specialty");
  p.certificate_no = String(json, "certificate_no");
  p.phone = String(json, "phone");
  p.position = String(json, "position");
  return p;
}

Qualification Qualification::FromJson(const core::Json& json) {
  Qualification q;
  q.level_text = String(json, "level");
  q.level = ParseQualificationLevel(q.level_text);
  q.certificate_no = String(json, "certificate_no");
  q.approved_on = DateField::FromJson(json.Find("approved_on"));
  const core::Json& since = Member(json, "licensed_since");
  if (since.is_integer()) {
    q.licensed_since.year_only = static_cast<int>(since.as_int());
  } else if (since.is_string() && internal::IsBareYear(since.as_string())) {
    q.licensed_since.year_only = std::stoi(since.as_string());
  } else {
    q.licensed_since.date = DateField::FromJson(&since);
  }
  return q;
}

Enterprise Enterprise::FromJson(const core::Json& json) {
  Enterprise e;
  e.name = String(json, "name");
  e.credit_code = String(json, "credit_code");
  e.district = String(json, "district");
  e.registered_address = String(json, "registered_address");
  e.office_address = String(json, "office_address");
  e.registered_capital_wan = Number(json, "registered_capital_wan");
  e.established_on = DateField::FromJson(json.Find("established_on"));
  e.legal_representative = OptionalPerson(Member(json, "legal_representative"));
  e.qualification = Qualification::FromJson(Member(json, "qualification"));
  e.contact = ContactFrom(Member(json, "contact"));
  const core::Json& out_of_town = Member(json, "out_of_town");
  e.out_of_town = out_of_town.is_bool() && out_of_town.as_bool();
  for (const core::Json& branch : Member(json, "branches").as_array()) {
    e.branches.push_back(
        Branch{String(branch, "name"), String(branch, "address")});
  }
  return e;
}

Term Term::FromJson(const core::Json& json) {
  return Term{DateField::FromJson(json.Find("from")),
              DateField::FromJson(json.Find("to"))};
}

bool Project::HasType(std::string_view type) const {
  return std::find(property_types.begin(), property_types.end(), type) !=
         property_types.end();
}

Project Project::FromJson(const core::Json& json) {
  Project p;
  p.name = String(json, "name");
  p.address = String(json, "address");
  p.district = String(json, "district");
  for (const core::Json& type : Member(json, "property_types").as_array()) {
    if (type.is_string()) p.property_types.push_back(type.as_string());
  }
  p.building_area_m2 = Number(json, "building_area_m2");
  const core::Json& households = Member(json, "households");
  if (households.is_integer()) p.households = households.as_int();
  p.contract_type = String(json, "contract_type");
  p.manager = OptionalPerson(Member(json, "manager"));
  p.term = Term::FromJson(Member(json, "term"));
  return p;
}

std::optional<FilingKind> FilingKindOf(std::string_view kind) {
  if (kind == "contract-filing") return FilingKind::kContract;
  if (kind == "preliminary-contract-filing") return FilingKind::kPreliminary;
  if (kind == "out-of-town-contract-filing") return FilingKind::kOutOfTown;
  return std::nullopt;
}

ContractFiling ContractFiling::FromJson(FilingKind kind,
                                        const core::Json& json) {
  ContractFiling f;
  f.kind = kind;
  f.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  f.staff = People(Member(json, "staff"));
  f.project = Project::FromJson(Member(json, "project"));
  const core::Json& contract = Member(json, "contract");
  f.contract.signed_on = DateField::FromJson(contract.Find("signed_on"));
  f.contract.party = String(contract, "party");
  f.contract.fee_standard = String(contract, "fee_standard");
  f.contract.fee_method = String(contract, "fee_method");
  for (const auto& [key, value] : Member(json, "materials").as_object()) {
    f.materials.emplace_back(key, value.is_bool() && value.as_bool());
  }
  f.applied_on = DateField::FromJson(json.Find("applied_on"));
  return f;
}

PromotionNotice PromotionNotice::FromJson(const core::Json& json) {
  PromotionNotice n;
  n.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  n.current_level_text = String(json, "current_level");
  n.current_level = ParseQualificationLevel(n.current_level_text);
  n.target_level_text = String(json, "target_level");
  n.target_level = ParseQualificationLevel(n.target_level_text);
  n.provisional_expires_on =
      DateField::FromJson(json.Find("provisional_expires_on"));
  n.applied_on = DateField::FromJson(json.Find("applied_on"));
  const core::Json& notice = Member(json, "notice");
  n.notice.from = DateField::FromJson(notice.Find("from"));
  n.notice.to = DateField::FromJson(notice.Find("to"));
  n.notice.place = String(notice, "place");
  n.projects = Projects(Member(json, "projects"));
  for (const core::Json& index : Member(json, "noticed").as_array()) {
    n.noticed.push_back(index.is_integer() ? std::optional<int64_t>(index.as_int())
                                           : std::nullopt);
  }
  n.contact = ContactFrom(Member(json, "contact"));
  return n;
}

QualificationVerification QualificationVerification::FromJson(
    const core::Json& json) {
  QualificationVerification q;
  q.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  q.staff = People(Member(json, "staff"));
  q.projects = Projects(Member(json, "projects"));
  q.filled_on = DateField::FromJson(json.Find("filled_on"));
  return q;
}

AuthorizationLetter AuthorizationLetter::FromJson(const core::Json& json) {
  AuthorizationLetter a;
  a.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  const core::Json& agent = Member(json, "agent");
  a.agent = Agent{String(agent, "name"),     String(agent, "gender"),
                  String(agent, "id_number"), String(agent, "position"),
                  String(agent, "phone"),    String(agent, "work_unit")};
  for (const core::Json& matter : Member(json, "matters").as_array()) {
    if (matter.is_string()) a.matters.push_back(matter.as_string());
  }
  a.valid_from = DateField::FromJson(json.Find("valid_from"));
  a.valid_to = DateField::FromJson(json.Find("valid_to"));
  a.signed_on = DateField::FromJson(json.Find("signed_on"));
  return a;
}

SiteVerification SiteVerification::FromJson(const core::Json& json) {
  SiteVerification s;
  s.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  s.project = Project::FromJson(Member(json, "project"));
  s.applied_level_text = String(json, "applied_level");
  s.applied_level = ParseQualificationLevel(s.applied_level_text);
  return s;
}

AcceptanceReceipt AcceptanceReceipt::FromJson(const core::Json& json) {
  AcceptanceReceipt r;
  r.enterprise = Enterprise::FromJson(Member(json, "enterprise"));
  const core::Json& filing = Member(json, "filing");
  r.filing = FilingReference{String(filing, "kind_name"),
                             String(filing, "number"),
                             String(filing, "project_name")};
  r.accepted_on = DateField::FromJson(json.Find("accepted_on"));
  r.deadline = DateField::FromJson(json.Find("deadline"));
  const core::Json& bureau = Member(json, "bureau");
  r.bureau = Bureau{String(bureau, "name"), String(bureau, "district")};
  return r;
}

std::vector<PersonAt> PersonsIn(const core::Json& submission) {
  std::vector<PersonAt> persons;
  auto add = [&](const core::Json* json, const std::string& path) {
    if (json == nullptr || !json->is_object()) return;
    Person person = Person::FromJson(*json);
    if (!person.empty()) persons.push_back(PersonAt{path, std::move(person)});
  };
  add(submission.At("/enterprise/legal_representative"),
      "/enterprise/legal_representative");
  const core::Json& staff = Member(submission, "staff");
  for (size_t i = 0; i < staff.as_array().size(); ++i) {
    add(&staff.as_array()[i], core::PointerAppend("/staff", i));
  }
  add(submission.At("/project/manager"), "/project/manager");
  const core::Json& projects = Member(submission, "projects");
  for (size_t i = 0; i < projects.as_array().size(); ++i) {
    add(projects.as_array()[i].Find("manager"),
        core::PointerAppend("/projects", i) + "/manager");
  }
  return persons;
}

}  // namespace beian::domain
