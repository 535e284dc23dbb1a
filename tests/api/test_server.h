#ifndef BEIAN_TESTS_API_TEST_SERVER_H_
#define BEIAN_TESTS_API_TEST_SERVER_H_

// Helpers for the api tests: a real Server on a free loopback port with the
// test routes, and small HTTP clients (Poco's, and a raw socket one for
// requests Poco's client would not send).

#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "beian/api/access_log.h"
#include "beian/api/metrics.h"
#include "beian/api/router.h"
#include "beian/api/server.h"
#include "beian/core/json.h"
#include "http_client.h"

namespace beian::api::testing {

// A personal ID number (GB 11643, valid check digit) that must never reach a
// log.
inline constexpr char kIdNumber[] = "110105197103143253";

// The size of GET /v1/big.
inline constexpr size_t kBigBytes = 32 * 1024 * 1024;

// A reply as seen by a client (header names lower-cased).
using Reply = beian::testing::HttpReply;

// The routes used by the end-to-end tests:
//   GET  /v1/documents/{id}       {"id":id,"page":query page or null}
//   PUT  /v1/documents/{id}       JSON only; 422 with field when no "name"
//   GET  /v1/documents/{id}/pdf   text "pdf:<id>", route name "document_pdf"
//   POST /v1/echo                 JSON only; echoes the parsed body
//   POST /v1/raw                  {"bytes":body size}
//   POST /v1/hold                 sleeps 200 ms, then {"bytes":body size,
//                                 "at_once":handlers of this route running}
//   GET  /v1/boom                 throws std::runtime_error
//   GET  /v1/slow                 sleeps 500 ms, then 200 "slow"
//   GET  /v1/sleep1s              sleeps 1 s, then 200
//   GET  /v1/whoami               sets log fields user=<kIdNumber>, role=clerk
//   GET  /v1/big                  kBigBytes of "z" (more than socket buffers)
//   GET  /metrics                 the registry's Prometheus text
// The documents handler increments beian_documents_rendered_total.
Router TestRouter(Metrics* metrics);

// A started Server with TestRouter, its Metrics and an AccessLog writing to a
// string stream.
class TestServer {
 public:
  explicit TestServer(ServerConfig config = {});
  ~TestServer();

  Server& server() { return *server_; }
  Metrics& metrics() { return metrics_; }
  uint16_t port() const { return server_->port(); }
  // Stops the server (draining for up to 5 s) if running; after that the
  // log is complete.
  void Stop();
  // The access log text; call after Stop() to be sure every line is there.
  std::string LogText() const { return log_stream_.str(); }

 private:
  Metrics metrics_;
  std::ostringstream log_stream_;
  AccessLog log_{&log_stream_};
  std::unique_ptr<Server> server_;
  bool stopped_ = false;
};

// One request on a new connection (beian::testing::HttpClient).
Reply Fetch(uint16_t port, const std::string& method,
            const std::string& target, const std::string& body = "",
            const std::string& content_type = "",
            const std::map<std::string, std::string>& headers = {});

// Connects, sends `bytes`, and reads until the server closes the connection
// or `timeout` passes. Returns everything received.
struct RawResult {
  std::string data;
  bool closed = false;  // the server closed (EOF or reset)
  std::chrono::milliseconds elapsed{0};
};
RawResult RawExchange(uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds timeout =
                          std::chrono::milliseconds(5000));

// A slow client: connects, sends `first`, then `piece` every `interval`
// until the server answers or closes the connection, and reads until it
// closes or `timeout` passes. elapsed is the time until the close.
RawResult Trickle(uint16_t port, const std::string& first,
                  const std::string& piece, std::chrono::milliseconds interval,
                  std::chrono::milliseconds timeout);

// Parses the first response in `data` (status, headers, Content-Length
// body); status 0 if there is none.
Reply ParseRawReply(const std::string& data);

}  // namespace beian::api::testing

#endif  // BEIAN_TESTS_API_TEST_SERVER_H_
