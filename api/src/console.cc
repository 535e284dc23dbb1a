#include "console.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "authentication.h"
#include "beian/api/json_body.h"
#include "beian/core/civil_date.h"
#include "beian/core/json.h"
#include "url.h"
#include "views.h"

namespace beian::api::internal {
namespace {

using service::Identity;
using service::Role;

// Requests per address in a fixed window of one minute.
class AddressRateLimit {
 public:
  explicit AddressRateLimit(int per_minute) : per_minute_(per_minute < 1 ? 1 : per_minute) {}

  // 0 if `address` may go on, else the seconds until it may.
  int64_t Take(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (windows_.size() > kAddressesKept) {
      for (auto it = windows_.begin(); it != windows_.end();) {
        it = now - it->second.start >= kWindow ? windows_.erase(it) : std::next(it);
      }
      // Still full within one minute: more addresses than a bureau has
      // readers. Start counting afresh rather than grow without bound.
      if (windows_.size() > kAddressesKept) windows_.clear();
    }
    Window& w = windows_[address];
    if (w.count == 0 || now - w.start >= kWindow) w = Window{now, 0};
    if (w.count >= per_minute_) {
      return std::chrono::duration_cast<std::chrono::seconds>(kWindow - (now - w.start)).count() + 1;
    }
    ++w.count;
    return 0;
  }

 private:
  static constexpr std::chrono::seconds kWindow{60};
  static constexpr size_t kAddressesKept = 10000;
  struct Window {
    std::chrono::steady_clock::time_point start;
    int count = 0;
  };
  const int per_minute_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// "2026-12-06T14:05:09+08:00" → "2026年12月6日 14:05"; a date alone →
// "2026年12月6日"; anything else as it is.
std::string ChineseDate(std::string_view time) {
  const core::Result<core::Date> date = core::Date::Parse(time.substr(0, 10));
  if (!date.ok()) return std::string(time);
  std::string out = date->Chinese();
  if (time.size() >= 16 && time[10] == 'T') out += " " + std::string(time.substr(11, 5));
  return out;
}

// Headers of every page the console serves.
void SetPageHeaders(Response& r) {
  r.SetHeader("Content-Security-Policy",
              "default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'self' blob:; "
              "style-src 'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "same-origin");
  r.SetHeader("X-Frame-Options", "SAMEORIGIN");
}

std::string ContentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

// A 429 that says when to come back, in the header and in the error body.
Response TooMany(std::string_view code, const std::string& message, int64_t seconds) {
  Response r = Response::Error(429, code, message);
  core::Result<core::Json> body = core::ParseJson(r.body());
  if (body.ok() && body->Find("error") != nullptr) {
    body->Find("error")->Set("retry_after_seconds", seconds);
    r.set_body(core::WriteJson(*body));
  }
  r.SetHeader("Retry-After", std::to_string(seconds));
  return r;
}

// The text member `name` of a JSON object, or nullopt (absent or not text).
std::optional<std::string> TextMember(const core::Json& o, std::string_view name) {
  const core::Json* v = o.Find(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

class Console {
 public:
  explicit Console(const ConsoleContext& c)
      : service_(*c.service), files_(c.files), public_checks_(c.public_checks_per_minute) {}

  // ---- Sessions

  // POST /v1/session {"username", "password"}
  Response SignIn(const Request& req) {
    if (auto refused = RequireContentType(req, "application/json")) return *refused;
    core::Result<core::Json> body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    const std::optional<std::string> username = body->is_object() ? TextMember(*body, "username") : std::nullopt;
    const std::optional<std::string> password = body->is_object() ? TextMember(*body, "password") : std::nullopt;
    if (!username || username->empty()) {
      return Response::Error(422, "missing_username", "请输入用户名 / username is required", "/username");
    }
    if (!password || password->empty()) {
      return Response::Error(422, "missing_password", "请输入密码 / password is required", "/password");
    }
    core::Result<service::SignInOutcome> outcome = service_.SignIn(*username, *password, ClientAddress(req));
    if (!outcome.ok()) return Response::FromStatus(outcome.status());
    if (outcome->busy) {
      Response r = Response::Error(503, "signin_busy", "登录的人较多，请稍后重试 / too many sign-ins at once; try again");
      r.SetHeader("Retry-After", "1");
      return r;
    }
    if (outcome->retry_after_seconds > 0) {
      const std::string seconds = std::to_string(outcome->retry_after_seconds);
      return TooMany("signin_throttled",
                     "登录失败次数过多，请 " + seconds + " 秒后再试 / too many failed sign-ins; try again in " +
                         seconds + " s",
                     outcome->retry_after_seconds);
    }
    if (!outcome->session) {
      return Response::Error(401, "signin_failed", "用户名或密码不正确 / wrong username or password");
    }
    Response r = Response::Json(200, SessionJson(*outcome->session));
    r.AddHeader("Set-Cookie", SessionCookie(outcome->session->secret, req.secure()));
    r.SetHeader("Cache-Control", "no-store");
    r.SetLogField("user", std::to_string(outcome->session->user.id));
    return r;
  }

  // GET /v1/session: who is signed in, and the CSRF token for changes.
  Response CurrentSession(const Request& req) {
    const std::string secret = CookieValue(req, kSessionCookie);
    core::Result<service::UserSessionInfo> session =
        secret.empty() ? core::Result<service::UserSessionInfo>(core::NotFound("no session"))
                       : service_.ResumeSession(secret);
    if (!session.ok()) {
      if (session.status().code() != core::Code::kNotFound) return Response::FromStatus(session.status());
      Response r = Response::Error(401, "session_expired", "未登录或登录已过期 / not signed in, or the session has ended");
      r.SetHeader("WWW-Authenticate", "Bearer realm=\"beian\"");
      return r;
    }
    Response r = Response::Json(200, SessionJson(*session));
    r.SetHeader("Cache-Control", "no-store");
    return r;
  }

  // DELETE /v1/session: signs out (needs the CSRF token).
  Response SignOut(const Request& req) {
    std::variant<Identity, Response> who = Authenticate(service_, req);
    if (auto* refused = std::get_if<Response>(&who); refused != nullptr && refused->status() != 401) {
      return std::move(*refused);
    }
    if (core::Status ended = service_.SignOut(CookieValue(req, kSessionCookie)); !ended.ok()) {
      return Response::FromStatus(ended);
    }
    Response r(204);
    r.AddHeader("Set-Cookie", SessionCookie("", req.secure()));
    return r;
  }

  // ---- Users (admin)

  Response ListUsers(const Request&, const Identity& who) {
    core::Result<std::vector<service::UserInfo>> users = service_.ListUsers(who);
    if (!users.ok()) return Refused(users.status());
    core::Json list = core::Json::MakeArray();
    for (const service::UserInfo& u : *users) list.Push(UserJson(u));
    core::Json out = core::Json::MakeObject();
    out.Set("users", std::move(list));
    return Response::Json(200, out);
  }

  // POST /v1/users {"username", "password", "role", "display_name", "name",
  // "district", "credit_code"}
  Response CreateUser(const Request& req, const Identity& who) {
    if (auto refused = RequireContentType(req, "application/json")) return *refused;
    core::Result<core::Json> body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    if (!body->is_object()) return Response::Error(400, "invalid_body", "the body must be a JSON object", "/");
    service::NewUserAccount account;
    for (auto [name, field] : {std::pair<const char*, std::string*>{"username", &account.username},
                               {"password", &account.password},
                               {"display_name", &account.display_name},
                               {"name", &account.name},
                               {"district", &account.district},
                               {"credit_code", &account.credit_code}}) {
      const core::Json* v = body->Find(name);
      if (v == nullptr || v->is_null()) continue;
      if (!v->is_string()) {
        return Response::Error(422, std::string("invalid_") + name, std::string(name) + " must be text",
                               std::string("/") + name);
      }
      *field = v->as_string();
    }
    const std::optional<std::string> role = TextMember(*body, "role");
    core::Result<Role> parsed = service::ParseRole(role.value_or(""));
    if (!parsed.ok()) {
      return Response::Error(422, "invalid_role", "role must be enterprise, bureau or admin", "/role");
    }
    account.role = *parsed;
    core::Result<service::UserInfo> made = service_.CreateUser(who, std::move(account));
    if (!made.ok()) return Refused(made.status());
    return Response::Json(201, UserJson(*made));
  }

  Response DisableUser(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "user id must be a positive integer", "id");
    core::Result<service::UserInfo> user = service_.DisableUser(who, *id);
    if (!user.ok()) return Refused(user.status());
    return Response::Json(200, UserJson(*user));
  }

  // POST /v1/users/{id}/password {"password"}
  Response SetPassword(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "user id must be a positive integer", "id");
    if (auto refused = RequireContentType(req, "application/json")) return *refused;
    core::Result<core::Json> body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    const std::optional<std::string> password = body->is_object() ? TextMember(*body, "password") : std::nullopt;
    if (!password) return Response::Error(422, "missing_password", "password is required", "/password");
    core::Result<service::UserInfo> user = service_.SetUserPassword(who, *id, *password);
    if (!user.ok()) return Refused(user.status());
    return Response::Json(200, UserJson(*user));
  }

  // ---- Pages

  // A console page: index.html, which routes in the browser.
  Response Page(const Request&) {
    auto it = files_.find("index.html");
    if (it == files_.end()) return Response::Error(404, "not_found", "this server has no console");
    Response r = Response::Bytes(200, it->second, "text/html; charset=utf-8");
    r.SetHeader("Cache-Control", "no-cache");
    SetPageHeaders(r);
    return r;
  }

  // GET /assets/{file}
  Response Asset(const Request& req) {
    const std::string* name = req.PathParam("file");
    auto it = files_.find(*name);
    if (it == files_.end()) return Response::Error(404, "not_found", "no such asset", "file");
    const std::string etag = "\"" + std::to_string(std::hash<std::string>{}(it->second)) + "\"";
    if (const std::string* none = req.Header("If-None-Match"); none != nullptr && *none == etag) {
      Response r(304);
      r.SetHeader("ETag", etag);
      return r;
    }
    Response r = Response::Bytes(200, it->second, ContentTypeOf(*name));
    r.SetHeader("ETag", etag);
    r.SetHeader("Cache-Control", "no-cache");
    r.SetHeader("X-Content-Type-Options", "nosniff");
    return r;
  }

  // GET /v/{number}?k=KEY: the page the QR code opens.
  Response PublicPage(const Request& req) {
    if (const int64_t wait = public_checks_.Take(ClientAddress(req)); wait > 0) {
      Response r = HtmlPage(429, "请稍后再试", "<p class=\"lead\">查询过于频繁，请 " + std::to_string(wait) +
                                                  " 秒后再试。</p>");
      r.SetHeader("Retry-After", std::to_string(wait));
      return r;
    }
    const std::string* key = req.Query("k");
    if (key == nullptr) key = req.Query("key");
    core::Result<service::PublicCheck> check =
        key == nullptr || key->empty() ? core::Result<service::PublicCheck>(core::NotFound("no key"))
                                       : service_.CheckPrinted(*req.PathParam("number"), *key);
    if (!check.ok()) {
      if (check.status().code() != core::Code::kNotFound) {
        return HtmlPage(503, "暂时无法核验", "<p class=\"lead\">核验服务暂时不可用，请稍后重试。</p>");
      }
      return HtmlPage(404, "未查到该文书",
                      "<p class=\"lead bad\">未查到该文书</p><p>档案中没有编号为 " +
                          HtmlEscape(*req.PathParam("number")) +
                          " 且核验码相符的文书。请核对二维码是否完整，或向出具单位核实。</p>");
    }
    Response r = Response::Bytes(200, PublicCheckPage(*check, service_.Now()), "text/html; charset=utf-8");
    r.SetHeader("Cache-Control", "no-store");
    SetPageHeaders(r);
    return r;
  }

  // GET /v1/verify/{number}?key=: the same check for machines.
  Response PublicCheckJsonAnswer(const Request& req) {
    if (const int64_t wait = public_checks_.Take(ClientAddress(req)); wait > 0) {
      return TooMany("too_many_checks", "查询过于频繁 / too many checks from this address", wait);
    }
    const std::string* number = req.PathParam("number");
    const std::string* key = req.Query("key");
    if (key == nullptr || key->empty()) {
      return Response::Error(400, "missing_key", "key (printed in the QR code) is required", "key");
    }
    core::Result<service::PublicCheck> check = service_.CheckPrinted(*number, *key);
    if (!check.ok()) {
      if (check.status().code() == core::Code::kNotFound) {
        return Response::Error(404, "not_in_archive", "未查到该文书 / no archived document with this number and key");
      }
      return Response::FromStatus(check.status());
    }
    return Response::Json(200, PublicCheckJson(*check));
  }

  static core::Status Register(const std::shared_ptr<Console>& self, Router& router) {
    Console* console = self.get();
    auto add = [&](const char* method, const char* pattern, Response (Console::*handler)(const Request&)) {
      return router.Add(method, pattern, [self, handler](const Request& req) { return (self.get()->*handler)(req); });
    };
    auto add_authenticated = [&](const char* method, const char* pattern,
                                 Response (Console::*handler)(const Request&, const Identity&)) {
      return router.Add(method, pattern, [self, console, handler](const Request& req) -> Response {
        std::variant<Identity, Response> who = Authenticate(console->service_, req);
        if (auto* refused = std::get_if<Response>(&who)) return std::move(*refused);
        return (console->*handler)(req, std::get<Identity>(who));
      });
    };
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/session", &Console::SignIn));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/session", &Console::CurrentSession));
    BEIAN_RETURN_IF_ERROR(add("DELETE", "/v1/session", &Console::SignOut));
    BEIAN_RETURN_IF_ERROR(add_authenticated("GET", "/v1/users", &Console::ListUsers));
    BEIAN_RETURN_IF_ERROR(add_authenticated("POST", "/v1/users", &Console::CreateUser));
    BEIAN_RETURN_IF_ERROR(add_authenticated("POST", "/v1/users/{id}/disable", &Console::DisableUser));
    BEIAN_RETURN_IF_ERROR(add_authenticated("POST", "/v1/users/{id}/password", &Console::SetPassword));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v/{number}", &Console::PublicPage));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/verify/{number}", &Console::PublicCheckJsonAnswer));
    for (const char* page : {"/", "/signin", "/queue", "/search", "/documents/{id}", "/new", "/new/{kind}",
                             "/verify-file", "/users", "/my"}) {
      BEIAN_RETURN_IF_ERROR(router.Add("GET", page, [self](const Request& req) { return self->Page(req); },
                                       "console-page"));
    }
    // Pages and assets are the console's, not the API's (not in openapi.json).
    BEIAN_RETURN_IF_ERROR(
        router.Add("GET", "/assets/{file}", [self](const Request& req) { return self->Asset(req); }, "console-asset"));
    return core::Status::Ok();
  }

 private:
  // The service's refusal of a user administration call: the field is the
  // message's prefix ("password: ...").
  static Response Refused(const core::Status& status) {
    const std::string& m = status.message();
    const size_t colon = m.find(':');
    const std::string field =
        colon != std::string::npos && colon < 20 && m.find(' ') > colon ? "/" + m.substr(0, colon) : "";
    switch (status.code()) {
      case core::Code::kPermissionDenied:
        return Response::Error(403, "forbidden", m);
      case core::Code::kNotFound:
        return Response::Error(404, "not_found", m, "id");
      case core::Code::kAlreadyExists:
        return Response::Error(409, "username_taken", m, "/username");
      case core::Code::kInvalidArgument:
        return Response::Error(422, "invalid_user", m, field);
      default:
        return Response::FromStatus(status);
    }
  }

  static Response HtmlPage(int status, const std::string& title, const std::string& body);

  service::FilingService& service_;
  std::map<std::string, std::string> files_;
  AddressRateLimit public_checks_;
};

constexpr char kPublicPageStyle[] = R"css(
body{margin:0;font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1d2433;line-height:1.6}
header{background:#1f4e8c;color:#fff;padding:14px 18px;font-size:17px}
main{max-width:560px;margin:0 auto;padding:16px}
.card{background:#fff;border:1px solid #d9dde5;border-radius:8px;padding:16px 18px;margin-bottom:14px}
.lead{font-size:20px;font-weight:bold;margin:0 0 6px}
.ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#c62828}
.revoked{border:3px solid #c62828;background:#fff5f5}
.revoked .stamp{font-size:30px;font-weight:bold;color:#c62828;letter-spacing:8px}
dl{margin:0}dt{color:#5b6475;font-size:14px;margin-top:10px}dt:first-child{margin-top:0}dd{margin:0;font-size:17px;word-break:break-all}
.digest{font-family:monospace;font-size:13px}
footer{color:#5b6475;font-size:13px;padding:0 16px 24px;max-width:560px;margin:0 auto}
)css";

Response Console::HtmlPage(int status, const std::string& title, const std::string& body) {
  std::string html = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
                     HtmlEscape(title) + " · 文书核验</title><style>" + kPublicPageStyle +
                     "</style></head><body><header>北京市物业服务企业备案文书核验</header><main><div class=\"card\">" +
                     body + "</div></main></body></html>";
  Response r = Response::Bytes(status, std::move(html), "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  SetPageHeaders(r);
  return r;
}

}  // namespace

std::string PublicCheckPage(const service::PublicCheck& c, const std::string& checked_at) {
  const bool revoked = c.status == "revoked";
  const bool refused = c.status == "refused";
  std::string verdict;
  if (revoked) {
    verdict = "<div class=\"card revoked\"><div class=\"stamp\">作废</div><p class=\"lead bad\">此文书已作废，不再有效</p>"
              "<dl><dt>作废时间</dt><dd>" + HtmlEscape(ChineseDate(c.status_date)) + "</dd><dt>作废原因</dt><dd>" +
              HtmlEscape(c.status_reason) + "</dd>";
    if (!c.filing_number.empty()) verdict += "<dt>原备案编号</dt><dd>" + HtmlEscape(c.filing_number) + "</dd>";
    verdict += "</dl></div>";
  } else {
    const char* tone = refused ? "bad" : c.status == "filed" ? "ok" : "warn";
    verdict = "<div class=\"card\"><p class=\"lead " + std::string(tone) + "\">档案中有此文书 · " +
              HtmlEscape(c.status_label) + "</p><p>本页内容来自备案档案库；请核对纸面文书的编号、名称与出具日期与下列信息一致。</p>";
    if (!c.filing_number.empty()) verdict += "<dl><dt>备案编号</dt><dd>" + HtmlEscape(c.filing_number) + "</dd></dl>";
    if (refused) {
      verdict += "<dl><dt>不予备案日期</dt><dd>" + HtmlEscape(ChineseDate(c.status_date)) + "</dd><dt>理由</dt><dd>" +
                 HtmlEscape(c.status_reason) + "</dd></dl>";
    }
    verdict += "</div>";
  }
  std::string facts = "<div class=\"card\"><dl><dt>文书名称</dt><dd>" + HtmlEscape(c.title) +
                      "</dd><dt>文书编号</dt><dd>" + HtmlEscape(c.number) + "</dd><dt>出具单位</dt><dd>" +
                      HtmlEscape(c.issuer) + "</dd>";
  if (!c.enterprise_name.empty() && c.enterprise_name != c.issuer) {
    facts += "<dt>物业服务企业</dt><dd>" + HtmlEscape(c.enterprise_name) + "</dd>";
  }
  if (!c.project_name.empty()) facts += "<dt>项目</dt><dd>" + HtmlEscape(c.project_name) + "</dd>";
  facts += "<dt>所在区</dt><dd>" + HtmlEscape(c.district) + "</dd><dt>出具日期</dt><dd>" +
           HtmlEscape(ChineseDate(c.issued_at)) + "</dd><dt>页数</dt><dd>" + std::to_string(c.pages) +
           " 页</dd></dl></div>";
  std::string digests = "<div class=\"card\"><dl><dt>SHA-256</dt><dd class=\"digest\">" + HtmlEscape(c.sha256) +
                        "</dd><dt>SM3</dt><dd class=\"digest\">" + HtmlEscape(c.sm3) + "</dd></dl>";
  if (c.proof) {
    digests += "<p>此文书的入档记录（审计日志第 " + std::to_string(c.proof->seq) +
               " 条）已列入档案库签名的检查点，可离线验证。</p>";
  }
  digests += "</div>";
  std::string html = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
                     HtmlEscape(c.number) + " · 文书核验</title><style>" + kPublicPageStyle +
                     "</style></head><body><header>北京市物业服务企业备案文书核验</header><main>" + verdict + facts +
                     digests + "</main><footer>核验时间：" + HtmlEscape(ChineseDate(checked_at)) +
                     "（北京时间，以档案库为准）</footer></body></html>";
  return html;
}

core::Status RegisterConsole(const ConsoleContext& context, Router& router) {
  if (context.service == nullptr) return core::InvalidArgument("the console needs the filing service");
  return Console::Register(std::make_shared<Console>(context), router);
}

}  // namespace beian::api::internal
