#include "beian/api/request.h"

#include "url.h"

namespace beian::api {
namespace {

char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

const std::string* FindLast(const Fields& fields, std::string_view name) {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

Request::Request() : method_("GET"), target_("/"), path_("/") {}

const std::string* Request::PathParam(std::string_view name) const {
  return FindLast(path_params_, name);
}

const std::string* Request::Query(std::string_view name) const {
  return FindLast(query_, name);
}

std::vector<std::string> Request::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : query_) {
    if (key == name) values.push_back(value);
  }
  return values;
}

const std::string* Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

std::vector<std::string> Request::HeaderAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers_) {
    if (EqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

bool Request::SetTarget(std::string target) {
  target_ = std::move(target);
  size_t q = target_.find('?');
  path_ = target_.substr(0, q);
  query_string_ = q == std::string::npos ? std::string() : target_.substr(q + 1);
  query_.clear();
  auto parsed = internal::ParseQuery(query_string_);
  if (!parsed) return false;
  query_ = std::move(*parsed);
  return true;
}

void Request::AddHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

}  // namespace beian::api
