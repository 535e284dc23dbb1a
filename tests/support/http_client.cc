#include "http_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cctype>

namespace beian::testing {

std::string HttpReply::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

core::Json HttpReply::Json() const {
  core::Result<core::Json> json = core::ParseJson(body);
  return json.ok() ? *json : core::Json();
}

std::string HttpReply::ErrorCode() const {
  const core::Json json = Json();
  const core::Json* error = json.is_object() ? json.Find("error") : nullptr;
  const core::Json* code =
      error != nullptr && error->is_object() ? error->Find("code") : nullptr;
  return code != nullptr && code->is_string() ? code->as_string() : "";
}

struct HttpClient::Session {
  explicit Session(uint16_t port) : session("127.0.0.1", port) {
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(60, 0));
  }
  Poco::Net::HTTPClientSession session;
};

HttpClient::HttpClient(uint16_t port, std::string token)
    : port_(port), token_(std::move(token)) {}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::Get(const std::string& target,
                          const std::map<std::string, std::string>& headers) {
  return Send("GET", target, "", "", headers);
}

HttpReply HttpClient::Post(const std::string& target, const std::string& body,
                           const std::string& content_type,
                           const std::map<std::string, std::string>& headers) {
  return Send("POST", target, body, content_type, headers);
}

HttpReply HttpClient::Send(const std::string& method,
                           const std::string& target, const std::string& body,
                           const std::string& content_type,
                           const std::map<std::string, std::string>& headers) {
  HttpReply reply;
  // One retry on a fresh connection: the server may have closed an idle one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!session_) session_ = std::make_unique<Session>(port_);
    try {
      Poco::Net::HTTPRequest request(method, target,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setKeepAlive(true);
      if (!content_type.empty()) request.setContentType(content_type);
      if (!token_.empty()) request.set("Authorization", "Bearer " + token_);
      for (const auto& [name, value] : headers) request.set(name, value);
      if ((method == "POST" || method == "PUT" || !body.empty()) &&
          headers.count("Content-Length") == 0) {
        request.setContentLength(static_cast<std::streamsize>(body.size()));
      }
      std::ostream& out = session_->session.sendRequest(request);
      out << body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session_->session.receiveResponse(response);
      reply.status = response.getStatus();
      for (const auto& [name, value] : response) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(c));
        reply.headers[lower] = value;
      }
      Poco::StreamCopier::copyToString(in, reply.body);
      if (!response.getKeepAlive()) session_.reset();
      return reply;
    } catch (const Poco::Exception& e) {
      reply.error = e.displayText();
      session_.reset();
    }
  }
  return reply;
}

}  // namespace beian::testing
