// Who sent a request: a bearer token (clients of the API) or the session
// cookie of a person signed in to the console. A change made with the cookie
// must also carry the session's CSRF token in X-CSRF-Token, so a page on
// another site cannot make a signed-in browser act (the cookie is also
// SameSite=Strict; the token is the second lock).
#ifndef BEIAN_API_SRC_AUTHENTICATION_H_
#define BEIAN_API_SRC_AUTHENTICATION_H_

#include <string>
#include <string_view>
#include <variant>

#include "beian/api/request.h"
#include "beian/api/response.h"
#include "beian/service/filing_service.h"

namespace beian::api::internal {

inline constexpr char kSessionCookie[] = "beian_session";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

// The value of cookie `name` in the request's Cookie headers, or "".
std::string CookieValue(const Request& req, std::string_view name);

// The Set-Cookie value that sets (or, with an empty secret, clears) the
// session cookie: HttpOnly, SameSite=Strict, Path=/, Secure over TLS.
std::string SessionCookie(const std::string& secret, bool secure);

// The client's address without its port: "127.0.0.1", "[::1]".
std::string ClientAddress(const Request& req);

// Identity of the request, or the response refusing it: 401 without a valid
// token or session, 403 "csrf_failed" for a change by cookie without the
// session's CSRF token. A bearer token wins over a cookie.
std::variant<service::Identity, Response> Authenticate(service::FilingService& service, const Request& req);

// True for methods that change nothing (GET, HEAD, OPTIONS).
bool IsSafeMethod(std::string_view method);

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_AUTHENTICATION_H_
