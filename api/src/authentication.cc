#include "authentication.h"

namespace beian::api::internal {
namespace {

Response Unauthorized(std::string_view message) {
  Response r = Response::Error(401, "unauthorized", message);
  r.SetHeader("WWW-Authenticate", "Bearer realm=\"beian\"");
  return r;
}

// Compares in time that depends on the length only.
bool SameSecret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsSafeMethod(std::string_view method) { return method == "GET" || method == "HEAD" || method == "OPTIONS"; }

std::string CookieValue(const Request& req, std::string_view name) {
  for (const std::string& header : req.HeaderAll("Cookie")) {
    std::string_view rest = header;
    while (!rest.empty()) {
      const size_t end = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
        return std::string(Trim(pair.substr(eq + 1)));
      }
    }
  }
  return "";
}

std::string SessionCookie(const std::string& secret, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + secret + "; Path=/; HttpOnly; SameSite=Strict";
  if (secret.empty()) cookie += "; Max-Age=0";
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string ClientAddress(const Request& req) {
  const std::string& address = req.remote_address();
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || address.find(']', colon) != std::string::npos) return address;
  return address.substr(0, colon);
}

std::variant<service::Identity, Response> Authenticate(service::FilingService& service, const Request& req) {
  if (const std::string* auth = req.Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() <= kBearer.size() || !EqualsIgnoreCase(std::string_view(*auth).substr(0, kBearer.size()), kBearer)) {
      return Unauthorized("this needs Authorization: Bearer <token>");
    }
    core::Result<service::Identity> who = service.Authenticate(auth->substr(kBearer.size()));
    if (!who.ok()) {
      if (who.status().code() == core::Code::kNotFound) return Unauthorized("unknown or revoked token");
      return Response::FromStatus(who.status());
    }
    return std::move(who).value();
  }
  const std::string secret = CookieValue(req, kSessionCookie);
  if (secret.empty()) return Unauthorized("this needs Authorization: Bearer <token>, or a signed-in session");
  core::Result<service::UserSessionInfo> session = service.ResumeSession(secret);
  if (!session.ok()) {
    if (session.status().code() != core::Code::kNotFound) return Response::FromStatus(session.status());
    Response r = Response::Error(401, "session_expired", "登录已过期，请重新登录 / the session has ended; sign in again");
    r.SetHeader("WWW-Authenticate", "Bearer realm=\"beian\"");
    r.AddHeader("Set-Cookie", SessionCookie("", req.secure()));
    return r;
  }
  if (!IsSafeMethod(req.method())) {
    const std::string* csrf = req.Header(kCsrfHeader);
    if (csrf == nullptr || !SameSecret(*csrf, session->csrf_token)) {
      return Response::Error(403, "csrf_failed",
                             "缺少或错误的 CSRF 令牌，请刷新页面 / a change needs the session's X-CSRF-Token header",
                             kCsrfHeader);
    }
  }
  return std::move(session->identity);
}

}  // namespace beian::api::internal
