#ifndef BEIAN_API_REQUEST_H_
#define BEIAN_API_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beian::api {

// Ordered name/value pairs (headers, query parameters, path parameters).
using Fields = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as a handler sees it: everything already read and decoded,
// the body complete and within the server's size limit. Immutable while the
// handler runs, so a const Request may be read from any thread. The setters
// are for the server (and for tests that call a handler or Router directly).
class Request {
 public:
  // An empty GET request for "/".
  Request();

  // The method as sent, e.g. "GET" (methods are case-sensitive in HTTP).
  const std::string& method() const { return method_; }
  // The request target as sent, path and query, still percent-encoded, e.g.
  // "/v1/documents/a%20b?page=2".
  const std::string& target() const { return target_; }
  // The path part of target(), still percent-encoded, e.g. "/v1/documents/x".
  const std::string& path() const { return path_; }
  // The query part of target() without "?", still percent-encoded; "" if none.
  const std::string& query_string() const { return query_string_; }

  // The decoded value of path parameter `name` ({name} in the route pattern),
  // or nullptr if the route has no such parameter. Values have passed the
  // router's checks: non-empty, valid UTF-8, no "/", "\", "..", NUL or other
  // control characters.
  const std::string* PathParam(std::string_view name) const;
  // All path parameters in pattern order.
  const Fields& path_params() const { return path_params_; }

  // The decoded value of the last query parameter named `name` ("+" decodes to
  // a space), or nullptr if absent. "?a" gives a = "".
  const std::string* Query(std::string_view name) const;
  // Every decoded value of query parameter `name`, in request order.
  std::vector<std::string> QueryAll(std::string_view name) const;
  // All decoded query parameters in request order.
  const Fields& query() const { return query_; }

  // The value of the first header named `name` (ASCII case-insensitive), or
  // nullptr if absent.
  const std::string* Header(std::string_view name) const;
  // Every value of headers named `name` (case-insensitive), in request order.
  std::vector<std::string> HeaderAll(std::string_view name) const;
  // All headers in request order, names as sent.
  const Fields& headers() const { return headers_; }

  // The body bytes (possibly empty; never more than the configured limit).
  const std::string& body() const { return body_; }
  // The peer as "host:port" (IPv6 hosts in brackets).
  const std::string& remote_address() const { return remote_address_; }
  // The id of this request, also sent back as the X-Request-Id header.
  const std::string& request_id() const { return request_id_; }
  // True iff the request came over TLS.
  bool secure() const { return secure_; }

  // Sets the method.
  void set_method(std::string method) { method_ = std::move(method); }
  // Sets target() and splits it into path() and query_string() at the first
  // "?"; also decodes the query into query(). Returns false (leaving the query
  // empty) if the query has a malformed percent escape.
  bool SetTarget(std::string target);
  // Replaces the path parameters.
  void set_path_params(Fields params) { path_params_ = std::move(params); }
  // Appends a header.
  void AddHeader(std::string name, std::string value);
  // Replaces the body.
  void set_body(std::string body) { body_ = std::move(body); }
  // Sets the peer address.
  void set_remote_address(std::string address) {
    remote_address_ = std::move(address);
  }
  // Sets the request id.
  void set_request_id(std::string id) { request_id_ = std::move(id); }
  // Marks the request as received over TLS or not.
  void set_secure(bool secure) { secure_ = secure; }

 private:
  std::string method_;
  std::string target_;
  std::string path_;
  std::string query_string_;
  Fields path_params_;
  Fields query_;
  Fields headers_;
  std::string body_;
  std::string remote_address_;
  std::string request_id_;
  bool secure_ = false;
};

// True iff a and b are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace beian::api

#endif  // BEIAN_API_REQUEST_H_
