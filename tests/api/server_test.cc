// End-to-end tests: a real Server on a free loopback port, real HTTP clients.

#include <atomic>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"
#include "beian/api/server.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace beian::api {
namespace {

using std::chrono::milliseconds;
using testing::Fetch;
using testing::ParseRawReply;
using testing::RawExchange;
using testing::RawResult;
using testing::Reply;
using testing::TestServer;

TEST(ServerTest, BindsAFreePortAndRoutesWithParamsAndQuery) {
  TestServer t;
  ASSERT_NE(t.port(), 0);
  Reply r = Fetch(t.port(), "GET", "/v1/documents/BA%E6%96%87-7?page=2&page=3");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.Json().At("/id")->as_string(), "BA文-7");
  EXPECT_EQ(r.Json().At("/page")->as_string(), "3");  // last one wins

  Reply pdf = Fetch(t.port(), "GET", "/v1/documents/abc/pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body, "pdf:abc");
  EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
}

TEST(ServerTest, UnknownPathIs404WithJsonError) {
  TestServer t;
  Reply r = Fetch(t.port(), "GET", "/v1/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.ErrorCode(), "not_found");
  EXPECT_EQ(r.Json().At("/error/status")->as_int(), 404);
  EXPECT_EQ(r.Json().At("/error/field"), nullptr);
}

TEST(ServerTest, WrongMethodIs405WithAllow) {
  TestServer t;
  Reply r = Fetch(t.port(), "DELETE", "/v1/documents/abc");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.ErrorCode(), "method_not_allowed");
  EXPECT_EQ(r.Header("allow"), "GET, HEAD, PUT");
}

TEST(ServerTest, HeadUsesGetHandlerWithoutBody) {
  TestServer t;
  Reply get = Fetch(t.port(), "GET", "/v1/documents/abc/pdf");
  // Poco's client would wait for a body after HEAD, so use a raw socket.
  auto raw = RawExchange(t.port(),
                         "HEAD /v1/documents/abc/pdf HTTP/1.1\r\nHost: x\r\n"
                         "Connection: close\r\n\r\n");
  Reply head = ParseRawReply(raw.data);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(raw.data.substr(raw.data.find("\r\n\r\n") + 4), "");
}

TEST(ServerTest, TraversalInPathParamIs400) {
  TestServer t;
  for (const char* target :
       {"/v1/documents/..%2F..%2Fetc", "/v1/documents/..%2F..%2Fetc/pdf",
        "/v1/documents/%2e%2e", "/v1/documents/..", "/v1/documents/a%00b",
        "/v1/documents/a%5Cb", "/v1/documents/a%2Fb", "/v1/documents/a%ZZ",
        "/v1/documents/%FF"}) {
    Reply r = Fetch(t.port(), "GET", target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.ErrorCode(), "invalid_path_param") << target;
  }
  // The server is fine afterwards.
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/ok").status, 200);
}

TEST(ServerTest, EveryResponseHasRequestId) {
  TestServer t;
  Reply ok = Fetch(t.port(), "GET", "/v1/documents/a");
  Reply missing = Fetch(t.port(), "GET", "/nope");
  EXPECT_FALSE(ok.Header("x-request-id").empty());
  EXPECT_FALSE(missing.Header("x-request-id").empty());
  EXPECT_NE(ok.Header("x-request-id"), missing.Header("x-request-id"));
  Reply mine = Fetch(t.port(), "GET", "/v1/documents/a", "", "",
                     {{"X-Request-Id", "trace-123.abc"}});
  EXPECT_EQ(mine.Header("x-request-id"), "trace-123.abc");
  Reply unsafe = Fetch(t.port(), "GET", "/v1/documents/a", "", "",
                       {{"X-Request-Id", "bad id\"<script>"}});
  EXPECT_FALSE(unsafe.Header("x-request-id").empty());
  EXPECT_EQ(unsafe.Header("x-request-id").find(' '), std::string::npos);
  // Also on a response the server makes before routing.
  auto raw = RawExchange(t.port(),
                         "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: 999999999\r\n\r\n",
                         milliseconds(3000));
  EXPECT_FALSE(ParseRawReply(raw.data).Header("x-request-id").empty());
}

TEST(ServerTest, BodyOverLimitByContentLengthIs413BeforeReading) {
  ServerConfig config;
  config.max_body_bytes = 1024;
  TestServer t(config);
  // Announce 100 MB but send only the headers: the 413 must come anyway.
  auto raw = RawExchange(t.port(),
                         "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: 104857600\r\n\r\n",
                         milliseconds(3000));
  Reply r = ParseRawReply(raw.data);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.ErrorCode(), "body_too_large");
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(raw.closed);
  // At the limit is fine.
  Reply ok = Fetch(t.port(), "POST", "/v1/raw", std::string(1024, 'x'),
                   "application/octet-stream");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Json().At("/bytes")->as_int(), 1024);
}

TEST(ServerTest, ChunkedBodyOverLimitIs413) {
  ServerConfig config;
  config.max_body_bytes = 64 * 1024;
  TestServer t(config);
  Poco::Net::HTTPClientSession session("127.0.0.1", t.port());
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request("POST", "/v1/raw",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setChunkedTransferEncoding(true);
  std::ostream& out = session.sendRequest(request);
  std::string chunk(8 * 1024, 'y');
  for (int i = 0; i < 32; ++i) out << chunk;  // 256 KiB
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::string body;
  Poco::StreamCopier::copyToString(in, body);
  EXPECT_EQ(response.getStatus(), 413);
  EXPECT_NE(body.find("body_too_large"), std::string::npos);

  // A chunked body within the limit is read whole.
  Poco::Net::HTTPClientSession ok_session("127.0.0.1", t.port());
  Poco::Net::HTTPRequest ok_request("POST", "/v1/raw",
                                    Poco::Net::HTTPMessage::HTTP_1_1);
  ok_request.setChunkedTransferEncoding(true);
  std::ostream& ok_out = ok_session.sendRequest(ok_request);
  for (int i = 0; i < 4; ++i) ok_out << chunk;
  Poco::Net::HTTPResponse ok_response;
  std::istream& ok_in = ok_session.receiveResponse(ok_response);
  std::string ok_body;
  Poco::StreamCopier::copyToString(ok_in, ok_body);
  EXPECT_EQ(ok_response.getStatus(), 200);
  EXPECT_EQ(ok_body, "{\"bytes\":32768}");
}

TEST(ServerTest, LongUrlIs414) {
  TestServer t;  // max_url_bytes 8 KiB
  Reply r = Fetch(t.port(), "GET", "/v1/documents/" + std::string(9000, 'a'));
  EXPECT_EQ(r.status, 414);
  EXPECT_EQ(r.ErrorCode(), "url_too_long");
  // Past Poco's own limit (16 KiB) too.
  auto raw = RawExchange(t.port(), "GET /" + std::string(20000, 'a') +
                                       " HTTP/1.1\r\nHost: x\r\n\r\n",
                         milliseconds(3000));
  EXPECT_EQ(ParseRawReply(raw.data).status, 414);
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
}

TEST(ServerTest, HugeHeadersAre431AndServerStaysUp) {
  TestServer t;  // 16 KiB of headers, 100 fields
  // Many fields, each acceptable, together over max_header_bytes.
  std::string many = "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 20; ++i) {
    many += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'f') +
            "\r\n";
  }
  many += "\r\n";
  Reply r1 = ParseRawReply(RawExchange(t.port(), many, milliseconds(3000)).data);
  EXPECT_EQ(r1.status, 431);
  EXPECT_EQ(r1.ErrorCode(), "headers_too_large");

  // One value over Poco's 8 KiB field limit: Poco refuses while parsing.
  std::string big = "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\nX-Big: " +
                    std::string(10000, 'b') + "\r\n\r\n";
  auto raw2 = RawExchange(t.port(), big, milliseconds(3000));
  Reply r2 = ParseRawReply(raw2.data);
  EXPECT_EQ(r2.status, 431);
  EXPECT_EQ(r2.ErrorCode(), "headers_too_large");
  EXPECT_TRUE(raw2.closed);

  // Too many fields.
  std::string count = "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) count += "X-" + std::to_string(i) + ": 1\r\n";
  count += "\r\n";
  Reply r3 = ParseRawReply(RawExchange(t.port(), count, milliseconds(3000)).data);
  EXPECT_EQ(r3.status, 431);

  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
}

TEST(ServerTest, GarbageRequestGets400AndServerStaysUp) {
  TestServer t;
  auto raw = RawExchange(t.port(), "BLAH\r\n\r\n", milliseconds(3000));
  Reply r = ParseRawReply(raw.data);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.ErrorCode(), "bad_request");
  auto te = RawExchange(t.port(),
                        "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                        "Transfer-Encoding: gzip\r\n\r\n",
                        milliseconds(3000));
  EXPECT_EQ(ParseRawReply(te.data).status, 501);
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
}

TEST(ServerTest, WrongContentTypeIs415) {
  TestServer t;
  Reply r = Fetch(t.port(), "POST", "/v1/echo", "{}", "text/plain");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.ErrorCode(), "unsupported_media_type");
  Reply latin = Fetch(t.port(), "POST", "/v1/echo", "{}",
                      "application/json; charset=iso-8859-1");
  EXPECT_EQ(latin.status, 415);
  Reply ok = Fetch(t.port(), "POST", "/v1/echo", "{\"a\":[1,2]}",
                   "Application/JSON; charset=UTF-8");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"a\":[1,2]}");
}

TEST(ServerTest, BadJsonBodiesAre400WithErrorBody) {
  TestServer t;
  Reply malformed = Fetch(t.port(), "POST", "/v1/echo", "{\"a\":", "application/json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.ErrorCode(), "malformed_json");
  EXPECT_EQ(malformed.Json().At("/error/status")->as_int(), 400);

  Reply utf8 = Fetch(t.port(), "POST", "/v1/echo", "{\"a\":\"\xff\xfe\"}",
                     "application/json");
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(utf8.ErrorCode(), "invalid_utf8");

  std::string deep = std::string(1000, '[') + std::string(1000, ']');
  Reply too_deep = Fetch(t.port(), "POST", "/v1/echo", deep, "application/json");
  EXPECT_EQ(too_deep.status, 400);
  EXPECT_EQ(too_deep.ErrorCode(), "json_too_deep");

  Reply empty = Fetch(t.port(), "POST", "/v1/echo", "", "application/json");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.ErrorCode(), "malformed_json");
}

TEST(ServerTest, HandlerErrorWithFieldKeepsField) {
  TestServer t;
  Reply r = Fetch(t.port(), "PUT", "/v1/documents/x", "{\"data\":{}}",
                  "application/json");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.Json().At("/error/field")->as_string(), "/data/enterprise/name");
  EXPECT_EQ(r.ErrorCode(), "missing_field");
}

TEST(ServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  TestServer t;
  for (int i = 0; i < 3; ++i) {
    Reply r = Fetch(t.port(), "GET", "/v1/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.ErrorCode(), "internal");
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
  }
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
  t.Stop();
  EXPECT_NE(t.LogText().find("\"exception\":\"secret detail 42\""),
            std::string::npos);
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer t;
  Poco::Net::HTTPClientSession session("127.0.0.1", t.port());
  session.setKeepAlive(true);
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPRequest request("GET", "/v1/documents/k" + std::to_string(i),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(response.getStatus(), 200);
    EXPECT_TRUE(response.getKeepAlive());
  }
}

TEST(ServerTest, SlowClientIsCutOffByReceiveTimeout) {
  ServerConfig config;
  config.receive_timeout = milliseconds(300);
  TestServer t(config);
  // Stalls in the headers.
  auto headers = RawExchange(t.port(), "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\n",
                             milliseconds(4000));
  EXPECT_TRUE(headers.closed);
  EXPECT_LT(headers.elapsed.count(), 2500);
  EXPECT_EQ(ParseRawReply(headers.data).status, 408);
  // Stalls in the body.
  auto body = RawExchange(t.port(),
                          "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                          "Content-Length: 100\r\n\r\n0123456789",
                          milliseconds(4000));
  EXPECT_TRUE(body.closed);
  EXPECT_LT(body.elapsed.count(), 2500);
  EXPECT_EQ(ParseRawReply(body.data).status, 408);
  // Connects and sends nothing at all.
  auto silent = RawExchange(t.port(), "", milliseconds(4000));
  EXPECT_TRUE(silent.closed);
  EXPECT_LT(silent.elapsed.count(), 2500);
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
}

// Sends `request` in `pieces` parts, `interval` apart, on a new connection,
// and returns the reply.
Reply SendSlowly(uint16_t port, const std::string& request, int pieces,
                 milliseconds interval) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  const size_t step = (request.size() + pieces - 1) / pieces;
  for (size_t at = 0; at < request.size(); at += step) {
    if (at > 0) std::this_thread::sleep_for(interval);
    std::string piece = request.substr(at, step);
    socket.sendBytes(piece.data(), static_cast<int>(piece.size()));
  }
  std::string data;
  char buffer[4096];
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  try {
    while (true) {
      int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      data.append(buffer, static_cast<size_t>(n));
      if (ParseRawReply(data).status != 0 &&
          ParseRawReply(data).body.size() >=
              std::stoul("0" + ParseRawReply(data).Header("content-length"))) {
        break;
      }
    }
  } catch (const Poco::Exception&) {
  }
  return ParseRawReply(data);
}

// Regression: clients sending one header byte every few seconds kept their
// connection (and a worker) for as long as they liked.
TEST(ServerTest, TricklingHeadersAreCutOffAtTheHeaderDeadline) {
  ServerConfig config;
  config.header_timeout = milliseconds(700);
  config.receive_timeout = milliseconds(5000);
  TestServer t(config);
  // Each byte comes well within the receive timeout; the headers never end.
  RawResult slow = testing::Trickle(
      t.port(), "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a",
      milliseconds(50), milliseconds(5000));
  EXPECT_TRUE(slow.closed);
  Reply reply = ParseRawReply(slow.data);
  EXPECT_EQ(reply.status, 408);
  EXPECT_EQ(reply.ErrorCode(), "request_timeout");
  EXPECT_EQ(reply.Header("connection"), "close");
  EXPECT_GE(slow.elapsed.count(), 600);
  EXPECT_LT(slow.elapsed.count(), 1700);
  // Headers that take a while but arrive within the deadline are served.
  Reply ok = SendSlowly(t.port(),
                        "GET /v1/documents/late HTTP/1.1\r\nHost: x\r\n"
                        "Connection: close\r\n\r\n",
                        6, milliseconds(80));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"id\":\"late\",\"page\":null}");
}

TEST(ServerTest, BodyBelowTheMinimumRateIsCutOff) {
  ServerConfig config;
  config.min_body_rate = 1000;
  config.body_rate_window = milliseconds(500);
  config.receive_timeout = milliseconds(5000);
  TestServer t(config);
  // 100 bytes/s: the first window of 500 ms needs 500 bytes.
  RawResult slow = testing::Trickle(t.port(),
                                    "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Length: 100000\r\n\r\n",
                                    "0123456789", milliseconds(100),
                                    milliseconds(5000));
  EXPECT_TRUE(slow.closed);
  EXPECT_EQ(ParseRawReply(slow.data).status, 408);
  EXPECT_GE(slow.elapsed.count(), 400);
  EXPECT_LT(slow.elapsed.count(), 1500);
  // 2,000 bytes/s for a second, longer than one window, is fast enough.
  Reply ok = SendSlowly(t.port(),
                        "POST /v1/raw HTTP/1.1\r\nHost: x\r\n"
                        "Connection: close\r\nContent-Length: 2000\r\n\r\n" +
                            std::string(2000, 'b'),
                        11, milliseconds(100));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{\"bytes\":2000}");
}

// Regression: 20 connections sending one header byte every few seconds made
// the server unanswerable, one thread being held per connection.
TEST(ServerTest, IdleAndSlowClientsHoldNoWorker) {
  ServerConfig config;
  config.max_threads = 1;
  config.keep_alive_timeout = milliseconds(10000);
  TestServer t(config);
  // Idle keep-alive connections after one request each.
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle;
  for (int i = 0; i < 3; ++i) {
    auto session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", t.port());
    session->setKeepAlive(true);
    Poco::Net::HTTPRequest request("GET", "/v1/documents/idle",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
    ASSERT_EQ(response.getStatus(), 200);
    idle.push_back(std::move(session));
  }
  // Connections that say nothing.
  std::vector<Poco::Net::StreamSocket> silent(2);
  for (auto& socket : silent) {
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", t.port()));
  }
  // Clients trickling headers and bodies.
  std::vector<std::thread> slow;
  for (int i = 0; i < 3; ++i) {
    slow.emplace_back([port = t.port()] {
      testing::Trickle(port, "GET /v1/documents/x HTTP/1.1\r\nX-Slow: ", "a",
                       milliseconds(100), milliseconds(1500));
    });
    slow.emplace_back([port = t.port()] {
      testing::Trickle(port,
                       "POST /v1/raw HTTP/1.1\r\nContent-Length: 9999\r\n\r\n",
                       "b", milliseconds(100), milliseconds(1500));
    });
  }
  std::this_thread::sleep_for(milliseconds(200));
  for (int i = 0; i < 10; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Reply r = Fetch(t.port(), "GET", "/v1/documents/fast");
    const auto ms = std::chrono::duration_cast<milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(ms, 300) << "request " << i;
    std::this_thread::sleep_for(milliseconds(50));
  }
  for (std::thread& thread : slow) thread.join();
}

// A client that asks for a large response and reads it slowly waits for
// its bytes without holding a worker, and gets all of them in the end.
TEST(ServerTest, SlowReaderHoldsNoWorker) {
  ServerConfig config;
  config.max_threads = 1;
  config.send_timeout = milliseconds(10000);
  TestServer t(config);
  Poco::Net::StreamSocket reader(Poco::Net::SocketAddress::IPv4);
  reader.setReceiveBufferSize(4096);
  reader.connect(Poco::Net::SocketAddress("127.0.0.1", t.port()));
  const std::string get = "GET /v1/big HTTP/1.1\r\nHost: x\r\n\r\n";
  reader.sendBytes(get.data(), static_cast<int>(get.size()));
  std::this_thread::sleep_for(milliseconds(300));  // the response is stuck

  const auto start = std::chrono::steady_clock::now();
  Reply other = Fetch(t.port(), "GET", "/v1/documents/x");
  EXPECT_EQ(other.status, 200);
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count(),
            1000);

  // The slow reader then gets the whole response.
  size_t received = 0;
  std::string head;
  char buffer[65536];
  reader.setReceiveTimeout(Poco::Timespan(10, 0));
  while (received < testing::kBigBytes) {
    int n = reader.receiveBytes(buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    std::string_view chunk(buffer, static_cast<size_t>(n));
    if (head.find("\r\n\r\n") == std::string::npos) {
      head.append(chunk);
      size_t end = head.find("\r\n\r\n");
      if (end != std::string::npos) received = head.size() - end - 4;
      continue;
    }
    received += chunk.size();
  }
  EXPECT_EQ(ParseRawReply(head).status, 200);
  EXPECT_EQ(received, testing::kBigBytes);
}

TEST(ServerTest, ReaderThatTakesNothingIsCutOffBySendTimeout) {
  ServerConfig config;
  config.send_timeout = milliseconds(400);
  TestServer t(config);
  Poco::Net::StreamSocket reader(Poco::Net::SocketAddress::IPv4);
  reader.setReceiveBufferSize(4096);
  reader.connect(Poco::Net::SocketAddress("127.0.0.1", t.port()));
  const std::string get = "GET /v1/big HTTP/1.1\r\nHost: x\r\n\r\n";
  reader.sendBytes(get.data(), static_cast<int>(get.size()));
  std::this_thread::sleep_for(milliseconds(1500));
  // What was sent before the cut, then the close.
  size_t received = 0;
  char buffer[65536];
  reader.setReceiveTimeout(Poco::Timespan(5, 0));
  try {
    for (int n; (n = reader.receiveBytes(buffer, sizeof buffer)) > 0;) {
      received += static_cast<size_t>(n);
    }
  } catch (const Poco::Exception&) {
    // reset: also a close
  }
  EXPECT_LT(received, testing::kBigBytes);
  t.Stop();
  EXPECT_NE(t.LogText().find("\"route\":\"/v1/big\",\"status\":200,"
                             "\"bytes_in\":0,\"bytes_out\":0"),
            std::string::npos)
      << t.LogText();
}

TEST(ServerTest, ConnectionsPerAddressAreCapped) {
  ServerConfig config;
  config.max_connections_per_address = 3;
  TestServer t(config);
  std::vector<Poco::Net::StreamSocket> held(3);
  for (auto& socket : held) {
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", t.port()));
  }
  std::this_thread::sleep_for(milliseconds(100));  // accepted
  RawResult refused = RawExchange(
      t.port(), "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\n\r\n",
      milliseconds(3000));
  EXPECT_TRUE(refused.closed);
  EXPECT_LT(refused.elapsed.count(), 1000);
  Reply reply = ParseRawReply(refused.data);
  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(reply.ErrorCode(), "too_many_connections");
  EXPECT_EQ(reply.Header("retry-after"), "1");
  EXPECT_EQ(reply.Header("connection"), "close");
  EXPECT_FALSE(reply.Header("x-request-id").empty());

  // A connection that closes makes room for another.
  held[0].close();
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(Fetch(t.port(), "GET", "/v1/documents/x").status, 200);
  t.Stop();
  EXPECT_NE(t.metrics().PrometheusText().find(
                "beian_http_connections_refused_total{reason=\"per_address\"} 1\n"),
            std::string::npos)
      << t.metrics().PrometheusText();
}

// Bodies arrive without a worker, so their memory is bounded separately: all
// bodies being received together at most max_threads × max_body_bytes.
TEST(ServerTest, BodiesBeingReceivedAreBoundedInMemory) {
  ServerConfig config;
  config.max_threads = 1;
  config.max_body_bytes = 1024;
  config.max_body_bytes_in_flight = 1024;
  TestServer t(config);
  Poco::Net::StreamSocket first;
  first.connect(Poco::Net::SocketAddress("127.0.0.1", t.port()));
  const std::string head =
      "POST /v1/raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Content-Length: 1000\r\n\r\n";
  const std::string part = head + std::string(800, 'a');
  first.sendBytes(part.data(), static_cast<int>(part.size()));
  std::this_thread::sleep_for(milliseconds(200));  // 800 bytes held
  RawResult second = RawExchange(t.port(), head + std::string(300, 'b'),
                                 milliseconds(3000));
  Reply busy = ParseRawReply(second.data);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.ErrorCode(), "service_unavailable");
  EXPECT_EQ(busy.Header("retry-after"), "1");
  // The first body completes, and its bytes are given back.
  const std::string rest(200, 'a');
  first.sendBytes(rest.data(), static_cast<int>(rest.size()));
  std::string data;
  char buffer[4096];
  first.setReceiveTimeout(Poco::Timespan(5, 0));
  for (int n; (n = first.receiveBytes(buffer, sizeof buffer)) > 0;) {
    data.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_EQ(ParseRawReply(data).body, "{\"bytes\":1000}");
  Reply again = Fetch(t.port(), "POST", "/v1/raw", std::string(1000, 'c'),
                      "application/octet-stream");
  EXPECT_EQ(again.status, 200);
}

// Large bodies are answered one at a time; those holding or waiting for a
// turn take at most half the workers (more get 503), and a small request is
// answered meanwhile without waiting for them.
TEST(ServerTest, LargeBodiesTakeTurnsWithoutStarvingSmallRequests) {
  ServerConfig config;
  config.max_threads = 8;
  config.large_body_bytes = 1000;
  TestServer t(config);
  std::vector<Reply> large(6);
  std::vector<std::thread> clients;
  for (Reply& reply : large) {
    clients.emplace_back([&t, &reply] {
      reply = Fetch(t.port(), "POST", "/v1/hold", std::string(2000, 'L'),
                    "application/octet-stream");
    });
  }
  std::this_thread::sleep_for(milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  Reply small = Fetch(t.port(), "POST", "/v1/hold", std::string(10, 's'),
                      "application/octet-stream");
  const auto small_ms = std::chrono::duration_cast<milliseconds>(
                            std::chrono::steady_clock::now() - start).count();
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(small.status, 200);
  EXPECT_LT(small_ms, 600) << "four large requests take 800 ms in turn";
  int answered = 0, busy = 0;
  for (const Reply& reply : large) {
    if (reply.status == 200) {
      ++answered;
      EXPECT_LE(reply.Json().At("/at_once")->as_int(), 2) << reply.body;  // itself and the small one
    } else {
      ++busy;
      EXPECT_EQ(reply.status, 503);
      EXPECT_EQ(reply.Header("retry-after"), "1");
    }
  }
  EXPECT_EQ(answered, 4);
  EXPECT_EQ(busy, 2);
}

TEST(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  TestServer t;
  Fetch(t.port(), "GET", "/v1/documents/abc");
  Fetch(t.port(), "GET", "/v1/documents/def");
  Fetch(t.port(), "GET", "/v1/documents/abc/pdf");
  Fetch(t.port(), "GET", "/no/such/path");
  Fetch(t.port(), "DELETE", "/v1/documents/abc");
  // Requests are recorded just after their response is sent; stop to be sure.
  t.Stop();
  std::string text = t.metrics().PrometheusText();
  EXPECT_NE(text.find("# TYPE beian_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("beian_http_requests_total{route=\"/v1/documents/{id}\","
                      "method=\"GET\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("beian_http_requests_total{route=\"document_pdf\","
                      "method=\"GET\",status=\"200\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_requests_total{route=\"unmatched\","
                      "method=\"GET\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_requests_total{route=\"/v1/documents/{id}\","
                      "method=\"DELETE\",status=\"405\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE beian_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_request_duration_seconds_bucket{route=\"/v1/"
                      "documents/{id}\",method=\"GET\",le=\"0.005\"} "),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_request_duration_seconds_bucket{route=\"/v1/"
                      "documents/{id}\",method=\"GET\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_request_duration_seconds_count{route=\"/v1/"
                      "documents/{id}\",method=\"GET\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_request_duration_seconds_sum{route=\"/v1/"
                      "documents/{id}\",method=\"GET\"} "),
            std::string::npos);
  EXPECT_NE(text.find("beian_documents_rendered_total 2\n"), std::string::npos);
  // Raw paths never become label values.
  EXPECT_EQ(text.find("abc"), std::string::npos);
  EXPECT_EQ(text.find("/no/such/path"), std::string::npos);
}

TEST(ServerTest, MetricsEndpointServesPrometheusText) {
  TestServer t;
  Fetch(t.port(), "GET", "/v1/documents/abc");
  Reply r;
  // The previous request is recorded right after its response; retry briefly.
  for (int i = 0; i < 50; ++i) {
    r = Fetch(t.port(), "GET", "/metrics");
    if (r.body.find("status=\"200\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("beian_http_requests_total{route=\"/v1/documents/{id}\","
                        "method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << r.body;
}

// Regression: 120,000 requests with random methods grew a scrape to 175 MB,
// and a method equal to an ID number put it into a label.
TEST(ServerTest, MetricsStayBoundedUnderRandomMethodsAndPaths) {
  TestServer t;
  std::mt19937 random(12);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  auto token = [&](size_t length) {
    std::string out;
    for (size_t i = 0; i < length; ++i) out += alphabet[random() % alphabet.size()];
    return out;
  };
  std::vector<std::string> sent;  // every method and path segment sent
  int requests = 0;
  // Pipelined on a few connections (under max_keep_alive_requests each).
  for (int connection = 0; connection < 6; ++connection) {
    std::string batch;
    for (int i = 0; i < 400; ++i) {
      std::string method = i % 50 == 0 ? testing::kIdNumber : token(4 + random() % 20);
      std::string segment = token(6 + random() % 10);
      // Half on a real route (405), half nowhere (404).
      std::string path = i % 2 == 0 ? "/v1/documents/" + segment
                                    : "/" + segment + "/" + token(8);
      sent.push_back(method);
      sent.push_back(segment);
      batch += method + " " + path + " HTTP/1.1\r\nHost: x\r\n";
      batch += i == 399 ? "Connection: close\r\n\r\n" : "\r\n";
      ++requests;
    }
    RawResult raw = RawExchange(t.port(), batch, milliseconds(20000));
    EXPECT_TRUE(raw.closed);
    EXPECT_EQ(ParseRawReply(raw.data).status, 405);
  }
  t.Stop();  // every request recorded
  const std::string text = t.metrics().PrometheusText();
  EXPECT_LT(text.size(), 16u * 1024) << text.substr(0, 2000);
  for (const std::string& s : sent) {
    ASSERT_EQ(text.find(s), std::string::npos) << s;
  }
  // All of them counted, under bounded labels.
  EXPECT_NE(text.find("beian_http_requests_total{route=\"/v1/documents/{id}\","
                      "method=\"OTHER\",status=\"405\"} " +
                      std::to_string(requests / 2) + "\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("beian_http_requests_total{route=\"unmatched\","
                      "method=\"OTHER\",status=\"404\"} " +
                      std::to_string(requests / 2) + "\n"),
            std::string::npos)
      << text;
}

TEST(ServerTest, AccessLogLinesAreJsonWithoutIdNumbers) {
  TestServer t;
  const std::string id = testing::kIdNumber;
  std::vector<Reply> replies;
  replies.push_back(Fetch(t.port(), "GET", "/v1/documents/" + id));
  replies.push_back(Fetch(t.port(), "GET", "/v1/documents/x?owner=" + id));
  std::string encoded;
  for (char c : id) {
    char buffer[4];
    std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned char>(c));
    encoded += buffer;
  }
  replies.push_back(Fetch(t.port(), "GET", "/v1/documents/x?owner=" + encoded));
  replies.push_back(Fetch(t.port(), "GET", "/v1/whoami"));
  replies.push_back(Fetch(t.port(), "GET", "/v1/nothing/" + id));
  replies.push_back(Fetch(t.port(), "GET", "/v1/documents/y", "", "",
                          {{"X-Request-Id", id}}));
  t.Stop();
  std::string log = t.LogText();
  EXPECT_EQ(log.find(id), std::string::npos) << log;
  EXPECT_EQ(log.find("19710314"), std::string::npos) << log;
  EXPECT_EQ(log.find(encoded.substr(0, 30)), std::string::npos) << log;
  EXPECT_NE(log.find("110105********3253"), std::string::npos) << log;

  // Each reply's request id is on one line; lines may come in another order
  // than the requests (a line is written after its response is sent).
  std::set<std::string> unlogged;
  for (size_t i = 0; i < 5; ++i) unlogged.insert(replies[i].Header("x-request-id"));
  std::istringstream lines(log);
  std::string line;
  size_t count = 0;
  while (std::getline(lines, line)) {
    auto parsed = core::ParseJson(line);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << line;
    const core::Json& j = *parsed;
    ASSERT_TRUE(j.At("/time") && j.At("/time")->is_string());
    const std::string& time = j.At("/time")->as_string();
    EXPECT_EQ(time.size(), 24u) << time;  // 2024-05-01T08:30:00.123Z
    EXPECT_EQ(time[10], 'T');
    EXPECT_EQ(time[19], '.');
    EXPECT_EQ(time.back(), 'Z');
    EXPECT_TRUE(j.At("/status")->is_integer());
    EXPECT_TRUE(j.At("/duration_ms")->is_number());
    EXPECT_EQ(j.At("/method")->as_string(), "GET");
    EXPECT_NE(j.At("/remote")->as_string().find("127.0.0.1"), std::string::npos);
    unlogged.erase(j.At("/id")->as_string());
    ++count;
  }
  EXPECT_TRUE(unlogged.empty()) << "a request without its log line: " << *unlogged.begin();
  EXPECT_EQ(count, replies.size());
  // The whoami line carries the handler's fields, masked.
  EXPECT_NE(log.find("\"user\":\"110105********3253\",\"role\":\"clerk\""),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("\"route\":\"/v1/documents/{id}\""), std::string::npos);
  EXPECT_NE(log.find("\"route\":\"unmatched\",\"status\":404"), std::string::npos);
}

TEST(ServerTest, AccessLogToFile) {
  char dir_template[] = "/tmp/beian_api_log_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  std::string path = std::string(dir_template) + "/access.log";
  auto log = AccessLog::OpenFile(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  Metrics metrics;
  Server server(ServerConfig{}, testing::TestRouter(&metrics), nullptr,
                log->get());
  ASSERT_TRUE(server.Start().ok());
  Fetch(server.port(), "GET", "/v1/documents/file");
  server.Stop();
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_TRUE(core::ParseJson(line).ok());
  EXPECT_NE(line.find("/v1/documents/file"), std::string::npos);
  std::remove(path.c_str());
  rmdir(dir_template);
  EXPECT_FALSE(AccessLog::OpenFile("/nonexistent-dir/x/access.log").ok());
}

TEST(ServerTest, GracefulStopDrainsInFlightRequest) {
  TestServer t;
  uint16_t port = t.port();
  Reply slow;
  std::atomic<bool> done{false};
  std::thread client([&] {
    slow = Fetch(port, "GET", "/v1/slow");
    done = true;
  });
  std::this_thread::sleep_for(milliseconds(150));  // the handler is sleeping
  ASSERT_FALSE(done);
  auto start = std::chrono::steady_clock::now();
  t.Stop();
  auto stop_ms = std::chrono::duration_cast<milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  client.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "slow");
  EXPECT_EQ(slow.Header("connection"), "close");
  EXPECT_GE(stop_ms, 200);  // it waited for the handler
  Poco::Net::StreamSocket socket;
  EXPECT_THROW(socket.connect(Poco::Net::SocketAddress("127.0.0.1", port),
                              Poco::Timespan(2, 0)),
               Poco::Net::NetException);
}

TEST(ServerTest, StopClosesIdleKeepAliveConnectionsPromptly) {
  ServerConfig config;
  config.keep_alive_timeout = milliseconds(30000);
  TestServer t(config);
  Poco::Net::HTTPClientSession session("127.0.0.1", t.port());
  session.setKeepAlive(true);
  Poco::Net::HTTPRequest request("GET", "/v1/documents/x",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  ASSERT_EQ(response.getStatus(), 200);
  auto start = std::chrono::steady_clock::now();
  t.Stop();
  auto stop_ms = std::chrono::duration_cast<milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  EXPECT_LT(stop_ms, 1500);
}

TEST(ServerTest, StopGivesUpOnRequestsPastTheDrainTimeout) {
  Metrics metrics;
  Server server(ServerConfig{}, testing::TestRouter(&metrics));
  ASSERT_TRUE(server.Start().ok());
  uint16_t port = server.port();
  std::atomic<int> status{-1};
  std::thread client([&] {
    try {
      status = Fetch(port, "GET", "/v1/sleep1s").status;
    } catch (const Poco::Exception&) {
      status = 0;  // connection dropped without a response
    }
  });
  std::this_thread::sleep_for(milliseconds(150));
  server.Stop(milliseconds(100));
  client.join();
  EXPECT_EQ(status, 0);
}

TEST(ServerTest, StartErrors) {
  Metrics metrics;
  ServerConfig only_cert;
  only_cert.cert_file = "/tmp/x.pem";
  Server a(only_cert, testing::TestRouter(&metrics));
  EXPECT_EQ(a.Start().code(), core::Code::kInvalidArgument);

  ServerConfig zero;
  zero.max_body_bytes = 0;
  Server b(zero, Router());
  EXPECT_EQ(b.Start().code(), core::Code::kInvalidArgument);

  Server first(ServerConfig{}, Router());
  ASSERT_TRUE(first.Start().ok());
  EXPECT_EQ(first.Start().code(), core::Code::kFailedPrecondition);
  ServerConfig same_port;
  same_port.port = first.port();
  Server second(same_port, Router());
  EXPECT_EQ(second.Start().code(), core::Code::kIoError);
}

}  // namespace
}  // namespace beian::api
