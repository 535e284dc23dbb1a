// A small HTTP/1.1 client for the tests and benchmarks that talk to a real
// server: one keep-alive connection to 127.0.0.1, reopened when the server
// closes it.
#ifndef BEIAN_TESTS_SUPPORT_HTTP_CLIENT_H_
#define BEIAN_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "beian/core/json.h"

namespace beian::testing {

struct HttpReply {
  int status = 0;  // 0: no answer (connection failed)
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;  // why status is 0

  // The header's value, or "".
  std::string Header(const std::string& lower_name) const;
  // The body as JSON (null if it is not).
  core::Json Json() const;
  // error.code of a JSON error body, or "".
  std::string ErrorCode() const;
};

class HttpClient {
 public:
  // `token` is sent as "Authorization: Bearer <token>" when not empty.
  HttpClient(uint16_t port, std::string token = "");
  ~HttpClient();

  HttpReply Get(const std::string& target,
                const std::map<std::string, std::string>& headers = {});
  HttpReply Post(const std::string& target, const std::string& body,
                 const std::string& content_type,
                 const std::map<std::string, std::string>& headers = {});
  HttpReply PostJson(const std::string& target, const core::Json& body) {
    return Post(target, core::WriteJson(body), "application/json");
  }
  HttpReply Send(const std::string& method, const std::string& target,
                 const std::string& body, const std::string& content_type,
                 const std::map<std::string, std::string>& headers);

 private:
  struct Session;
  uint16_t port_;
  std::string token_;
  std::unique_ptr<Session> session_;
};

}  // namespace beian::testing

#endif  // BEIAN_TESTS_SUPPORT_HTTP_CLIENT_H_
