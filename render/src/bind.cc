#include "bind.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "beian/core/civil_date.h"
#include "beian/core/utf8.h"

namespace beian::render {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Scalar text of a JSON value: strings as they are, numbers as written, bools as 是/否.
std::string ScalarText(const core::Json* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return v->as_string();
  if (v->is_number()) return v->number_text();
  if (v->is_bool()) return v->as_bool() ? "是" : "否";
  return "";
}

// Groups the integer part with commas: "11842901" → "11,842,901".
std::string GroupThousands(std::string digits) {
  std::string sign;
  if (!digits.empty() && digits[0] == '-') {
    sign = "-";
    digits.erase(0, 1);
  }
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out.push_back(',');
  }
  return sign + out;
}

core::Result<double> ToNumber(const core::Json* v, const std::string& text) {
  if (v != nullptr && v->is_number()) return v->as_number();
  double d = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), d);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) {
    return core::InvalidArgument("“" + text + "”不是数字 / not a number");
  }
  return d;
}

std::string FixedDecimals(double value, int decimals) {
  // Room for the largest double: a sign, 309 integer digits, the point and the decimals. A
  // smaller buffer makes to_chars fail and leave it unwritten (1e70|amount printed garbage).
  std::string buf(size_t{312} + static_cast<size_t>(std::max(decimals, 0)), '\0');
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  std::string s(buf.data(), r.ec == std::errc() ? r.ptr : buf.data());
  size_t dot = s.find('.');
  std::string integer = dot == std::string::npos ? s : s.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : s.substr(dot);
  return GroupThousands(integer) + fraction;
}

// The day of a date written YYYY-MM-DD, YYYY年M月D日 (core::ParseDate: a real
// day of the years core::Date covers), or as the start of an RFC 3339 time.
std::optional<core::Date> DateOf(const std::string& s) {
  std::string_view day = s;
  if (s.size() > 10 && s[10] == 'T') day = day.substr(0, 10);
  core::Date date;
  if (core::ParseDate(day, &date) != core::DateFault::kNone) return std::nullopt;
  return date;
}

// One step down a path; extends `pointer` when it is wanted (it costs an allocation, and only
// error messages and loop frames need it).
const core::Json* Step(const core::Json* v, const std::string& seg, std::string* pointer) {
  if (v == nullptr) return nullptr;
  if (v->is_object()) {
    if (pointer != nullptr) *pointer = core::PointerAppend(*pointer, seg);
    return v->Find(seg);
  }
  if (v->is_array() && IsDigits(seg)) {
    size_t i = std::stoul(seg);
    if (pointer != nullptr) *pointer = core::PointerAppend(*pointer, i);
    return i < v->as_array().size() ? &v->as_array()[i] : nullptr;
  }
  return nullptr;
}

}  // namespace

const core::Json* Scope::Lookup(const Expr& expr, std::string* pointer) const {
  const std::string& first = expr.path[0];
  for (auto frame = frames_.rbegin(); frame != frames_.rend(); ++frame) {
    const core::Json* v = frame->json->is_object() ? frame->json->Find(first) : nullptr;
    if (v == nullptr && std::next(frame) != frames_.rend()) continue;
    if (pointer != nullptr) *pointer = frame->pointer;
    v = Step(frame->json, first, pointer);
    for (size_t i = 1; i < expr.path.size() && v != nullptr; ++i) v = Step(v, expr.path[i], pointer);
    return v;
  }
  return nullptr;
}

Scope::Value Scope::Resolve(const Expr& expr) const {
  Value out;
  out.json = Lookup(expr, &out.pointer);
  return out;
}

core::Result<std::string> Evaluate(const Expr& expr, const Scope& scope, std::string* pointer) {
  const core::Json* value = nullptr;
  std::string text;
  const std::string& head = expr.path[0];
  if (head[0] == '$') {
    const Variables& vars = scope.vars();
    if (head == "$page") {
      text = std::to_string(vars.page);
    } else if (head == "$pages") {
      text = std::to_string(vars.pages);
    } else if (head == "$number") {
      text = vars.number;
      vars.number_read = true;
    } else if (head == "$issued_at") {
      text = vars.issued_at;
    } else if (head == "$index") {
      text = std::to_string(scope.index());
    } else if (head == "$verify_key") {
      text = vars.verify_key;
      vars.number_read = true;
    } else if (head == "$item") {
      Scope::Value v = scope.Current();
      value = v.json;
      text = ScalarText(value);
      if (pointer != nullptr) *pointer = v.pointer;
    } else {
      return core::InvalidArgument("unknown variable " + head + " in {" + expr.source + "}");
    }
    if (pointer != nullptr && head != "$item") pointer->clear();
  } else {
    value = scope.Lookup(expr, pointer);
    text = ScalarText(value);
  }

  for (const Formatter& f : expr.formatters) {
    const std::string& name = f.name;
    if (name == "default") {
      if (text.empty()) text = f.arg;
    } else if (text.empty() && name != "count" && name != "sum" && name != "join") {
      // Nothing to format: a missing optional value prints empty.
    } else if (name == "date" || name == "year" || name == "month" || name == "day") {
      const std::optional<core::Date> d = DateOf(text);
      if (!d) {
        return core::InvalidArgument("“" + text + "”不是日期（应为 YYYY-MM-DD）/ not a date");
      }
      text = name == "date"    ? d->Chinese()
             : name == "year"  ? std::to_string(d->year)
             : name == "month" ? std::to_string(d->month)
                               : std::to_string(d->day);
    } else if (name == "amount") {
      BEIAN_ASSIGN_OR_RETURN(double n, ToNumber(value, text));
      int decimals = f.arg.empty() ? 2 : std::stoi(f.arg);
      text = FixedDecimals(n, decimals);
    } else if (name == "number") {
      BEIAN_ASSIGN_OR_RETURN(double n, ToNumber(value, text));
      if (std::floor(n) == n && std::fabs(n) < 1e15) {
        text = GroupThousands(std::to_string(static_cast<long long>(n)));
      } else {
        size_t dot = text.find('.');
        text = GroupThousands(text.substr(0, dot)) + (dot == std::string::npos ? "" : text.substr(dot));
      }
    } else if (name == "mask_id") {
      std::u32string cps = core::ToUtf32(text);
      if (cps.size() > 10) {
        std::string masked;
        for (size_t i = 0; i < cps.size(); ++i) {
          core::AppendUtf8(masked, i < 6 || i + 4 >= cps.size() ? cps[i] : U'*');
        }
        text = masked;
      }
    } else if (name == "strip_suffix") {
      if (text.size() > f.arg.size() && text.compare(text.size() - f.arg.size(), f.arg.size(), f.arg) == 0) {
        text.erase(text.size() - f.arg.size());
      }
    } else if (name == "yesno") {
      if (value != nullptr && value->is_bool()) text = value->as_bool() ? "是" : "否";
    } else if (name == "count" || name == "join" || name == "sum") {
      if (value != nullptr && value->is_array()) {
        const core::Json::Array& arr = value->as_array();
        if (name == "count") {
          text = std::to_string(arr.size());
        } else if (name == "join") {
          text.clear();
          for (size_t i = 0; i < arr.size(); ++i) {
            if (i > 0) text += f.arg;
            text += ScalarText(&arr[i]);
          }
        } else {
          double total = 0;
          for (const core::Json& element : arr) {
            const core::Json* field = element.is_object() ? element.Find(f.arg) : &element;
            if (field != nullptr && field->is_number()) total += field->as_number();
          }
          core::Json sum(total);
          text = sum.number_text();
        }
        value = nullptr;
      } else if (name == "count") {
        text = "0";
      }
    }
  }
  return text;
}

bool Test(const Condition& condition, const Scope& scope) {
  Scope::Value v;
  std::string text;
  if (condition.expr.path[0][0] == '$') {
    auto r = Evaluate(condition.expr, scope, nullptr);
    text = r.ok() ? r.value() : "";
  } else {
    v.json = scope.Lookup(condition.expr, nullptr);
    text = ScalarText(v.json);
  }
  switch (condition.op) {
    case Condition::Op::kEqual:
      return text == condition.literal;
    case Condition::Op::kNotEqual:
      return text != condition.literal;
    case Condition::Op::kTruthy:
    case Condition::Op::kFalsy: {
      bool truthy;
      if (v.json == nullptr) {
        truthy = !text.empty();
      } else if (v.json->is_bool()) {
        truthy = v.json->as_bool();
      } else if (v.json->is_number()) {
        truthy = v.json->as_number() != 0;
      } else if (v.json->is_string()) {
        truthy = !v.json->as_string().empty();
      } else if (v.json->is_array() || v.json->is_object()) {
        truthy = v.json->size() > 0;
      } else {
        truthy = false;
      }
      return condition.op == Condition::Op::kTruthy ? truthy : !truthy;
    }
  }
  return false;
}

std::vector<Scope::Value> Elements(const Expr& expr, const Scope& scope) {
  std::vector<Scope::Value> out;
  Scope::Value v = scope.Resolve(expr);
  if (v.json == nullptr || !v.json->is_array()) return out;
  const core::Json::Array& arr = v.json->as_array();
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    out.push_back({&arr[i], core::PointerAppend(v.pointer, i)});
  }
  return out;
}

}  // namespace beian::render
