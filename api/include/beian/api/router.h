#ifndef BEIAN_API_ROUTER_H_
#define BEIAN_API_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/api/request.h"
#include "beian/api/response.h"
#include "beian/core/status.h"

namespace beian::api {

// Handles one request. Called concurrently from the server's worker threads,
// so it must be thread-safe. An exception escaping it becomes a 500
// "internal" error response (the exception text goes to the access log, not
// to the client).
using Handler = std::function<Response(const Request&)>;

// Outcome of Router::Match.
struct RouteMatch {
  // What the router found.
  enum class Kind {
    kFound,             // handler and params are set
    kNotFound,          // no pattern matches the path: 404
    kMethodNotAllowed,  // a pattern matches, but not for this method: 405
    kBadParam,          // a {param} segment is unsafe or badly encoded: 400
  };
  Kind kind = Kind::kNotFound;
  // The matched route's handler (kFound); points into the Router.
  const Handler* handler = nullptr;
  // The route name for metrics and logs: the name given to Add of the
  // matching route (for kMethodNotAllowed, of the first route registered for
  // the path), or "unmatched" (kNotFound).
  std::string route = "unmatched";
  // Decoded path parameters in pattern order (kFound).
  Fields params;
  // Allowed methods, comma-separated, for the Allow header
  // (kMethodNotAllowed).
  std::string allow;
  // What was wrong (kBadParam), and the parameter's name.
  std::string error;
  std::string param;
};

// Maps (method, path) to handlers. Patterns are absolute paths whose segments
// are either literal ("documents") or a parameter ("{id}") matching one whole
// non-empty segment; "/v1/documents/{id}/pdf". Literal segments win over
// parameters when both would match. Matching is on percent-decoded segments;
// a trailing slash is significant. HEAD is served by the GET handler (the
// server drops the body).
//
// Parameter values are rejected (kBadParam) when their percent-encoding is
// malformed or, after decoding, they are not valid UTF-8 or contain "/",
// "\", "..", NUL or another control character; so "..%2F..%2Fetc" never
// reaches a handler.
//
// Thread safety: Add is not thread-safe; Match is, once all routes are added.
class Router {
 public:
  // An empty router.
  Router();

  // Registers `handler` for `method` (e.g. "GET", case-sensitive) and
  // `pattern`. `route_name` labels metrics and log lines; it defaults to the
  // pattern. Errors (kInvalidArgument): the pattern does not start with "/",
  // has an empty or malformed segment ("{}", "{a", "a{b}"), repeats a
  // parameter name, or the same method and pattern shape (parameter names
  // ignored) is already registered; an empty method or handler.
  core::Status Add(std::string_view method, std::string_view pattern,
                   Handler handler, std::string route_name = {});

  // Looks up `path` (percent-encoded, without query) for `method`.
  RouteMatch Match(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text, or parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::string name;
    std::vector<Segment> segments;
    Handler handler;
  };

  std::vector<Route> routes_;
};

}  // namespace beian::api

#endif  // BEIAN_API_ROUTER_H_
