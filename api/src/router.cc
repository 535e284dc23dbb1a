#include "beian/api/router.h"

#include <algorithm>
#include <set>

#include "beian/core/utf8.h"
#include "url.h"

namespace beian::api {
namespace {

// Splits "/a/b" into {"a", "b"}; "/" gives {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(path.substr(start));
      return parts;
    }
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

// Empty when `value` is acceptable as a decoded path parameter, else why not.
std::string CheckParamValue(std::string_view value) {
  if (value.empty()) return "is empty";
  if (!core::IsValidUtf8(value)) return "is not valid UTF-8";
  if (value.find("..") != std::string_view::npos) return "contains \"..\"";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\') return "contains a slash";
    if (u < 0x20 || u == 0x7f) return "contains a control character";
  }
  return {};
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Router::Router() = default;

core::Status Router::Add(std::string_view method, std::string_view pattern,
                         Handler handler, std::string route_name) {
  if (method.empty()) return core::InvalidArgument("route method is empty");
  if (!handler) return core::InvalidArgument("route handler is empty");
  if (pattern.empty() || pattern.front() != '/') {
    return core::InvalidArgument("route pattern must start with /: " +
                                 std::string(pattern));
  }
  Route route;
  route.method = std::string(method);
  route.pattern = std::string(pattern);
  route.name = route_name.empty() ? route.pattern : std::move(route_name);
  route.handler = std::move(handler);
  std::set<std::string, std::less<>> names;
  std::vector<std::string_view> parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    Segment segment;
    bool has_brace = part.find_first_of("{}") != std::string_view::npos;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      std::string_view name = part.substr(1, part.size() - 2);
      if (!IsParamName(name)) {
        return core::InvalidArgument("bad parameter name in route pattern " +
                                     route.pattern);
      }
      if (!names.insert(std::string(name)).second) {
        return core::InvalidArgument("repeated parameter {" + std::string(name) +
                                     "} in route pattern " + route.pattern);
      }
      segment.is_param = true;
      segment.text = std::string(name);
    } else if (has_brace) {
      return core::InvalidArgument("malformed segment in route pattern " +
                                   route.pattern);
    } else if (part.empty() && !(parts.size() == 1)) {
      return core::InvalidArgument("empty segment in route pattern " +
                                   route.pattern);
    } else {
      segment.text = std::string(part);
    }
    route.segments.push_back(std::move(segment));
  }
  for (const Route& other : routes_) {
    if (other.method != route.method ||
        other.segments.size() != route.segments.size()) {
      continue;
    }
    bool same = true;
    for (size_t i = 0; i < route.segments.size() && same; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = other.segments[i];
      same = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same) {
      return core::InvalidArgument("route already registered: " + route.method +
                                   " " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
  return core::Status::Ok();
}

RouteMatch Router::Match(std::string_view method,
                         std::string_view path) const {
  RouteMatch result;
  std::vector<std::string_view> raw = SplitPath(path);
  if (raw.empty()) return result;  // not an absolute path: 404
  // Decode each segment once; a malformed escape only matters if the segment
  // lands in a parameter (a literal would not match anyway).
  std::vector<std::optional<std::string>> decoded;
  decoded.reserve(raw.size());
  for (std::string_view part : raw) {
    decoded.push_back(internal::PercentDecode(part, false));
  }

  // Best route per shape: a literal segment earlier in the path beats a
  // parameter. Score = bitmask of literal positions, compared
  // lexicographically from the first segment.
  const Route* best = nullptr;
  std::vector<bool> best_score;
  std::vector<std::string> allowed;
  const Route* any_shape = nullptr;
  for (const Route& route : routes_) {
    if (route.segments.size() != raw.size()) continue;
    bool ok = true;
    std::vector<bool> score;
    for (size_t i = 0; i < raw.size() && ok; ++i) {
      const Segment& segment = route.segments[i];
      if (segment.is_param) {
        ok = !raw[i].empty();
        score.push_back(false);
      } else {
        ok = decoded[i].has_value() && *decoded[i] == segment.text;
        score.push_back(true);
      }
    }
    if (!ok) continue;
    if (!any_shape) any_shape = &route;
    bool method_ok = route.method == method ||
                     (method == "HEAD" && route.method == "GET");
    if (std::find(allowed.begin(), allowed.end(), route.method) ==
        allowed.end()) {
      allowed.push_back(route.method);
    }
    if (!method_ok) continue;
    if (!best || score > best_score) {
      best = &route;
      best_score = std::move(score);
    }
  }
  if (!best) {
    if (!any_shape) return result;
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    result.route = any_shape->name;
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end() &&
        std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end()) {
      allowed.push_back("HEAD");
    }
    std::sort(allowed.begin(), allowed.end());
    for (const std::string& m : allowed) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
    return result;
  }
  result.route = best->name;
  for (size_t i = 0; i < raw.size(); ++i) {
    const Segment& segment = best->segments[i];
    if (!segment.is_param) continue;
    std::string why = decoded[i] ? CheckParamValue(*decoded[i])
                                 : std::string("has a malformed percent escape");
    if (!why.empty()) {
      result.kind = RouteMatch::Kind::kBadParam;
      result.param = segment.text;
      result.error = "path parameter " + segment.text + " " + why;
      result.params.clear();
      return result;
    }
    result.params.emplace_back(segment.text, std::move(*decoded[i]));
  }
  result.kind = RouteMatch::Kind::kFound;
  result.handler = &best->handler;
  return result;
}

}  // namespace beian::api
