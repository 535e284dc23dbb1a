#include "test_server.h"

#include <cctype>
#include <stdexcept>
#include <thread>

#include "Poco/Net/NetException.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "beian/api/json_body.h"
#include "gtest/gtest.h"

namespace beian::api::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Router TestRouter(Metrics* metrics) {
  Router router;
  Counter* rendered =
      *metrics->GetCounter("beian_documents_rendered_total",
                           "Documents rendered.");
  auto add = [&](std::string_view method, std::string_view pattern,
                 Handler handler, std::string name = {}) {
    core::Status status = router.Add(method, pattern, std::move(handler), name);
    EXPECT_TRUE(status.ok()) << status.ToString();
  };
  add("GET", "/v1/documents/{id}", [rendered](const Request& req) {
    rendered->Increment();
    core::Json body = core::Json::MakeObject();
    body.Set("id", *req.PathParam("id"));
    const std::string* page = req.Query("page");
    body.Set("page", page ? core::Json(*page) : core::Json());
    return Response::Json(200, body);
  });
  add("PUT", "/v1/documents/{id}", [](const Request& req) {
    if (auto bad = RequireContentType(req, "application/json")) return *bad;
    auto body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    if (!body->At("/data/enterprise/name")) {
      return Response::Error(422, "missing_field", "enterprise name is required",
                             "/data/enterprise/name");
    }
    return Response::Json(200, *body);
  });
  add("GET", "/v1/documents/{id}/pdf", [](const Request& req) {
    return Response::Bytes(200, "pdf:" + *req.PathParam("id"), "application/pdf");
  }, "document_pdf");
  add("POST", "/v1/echo", [](const Request& req) {
    if (auto bad = RequireContentType(req, "application/json")) return *bad;
    auto body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    return Response::Json(200, *body);
  });
  add("POST", "/v1/raw", [](const Request& req) {
    core::Json body = core::Json::MakeObject();
    body.Set("bytes", req.body().size());
    return Response::Json(200, body);
  });
  add("POST", "/v1/hold", [](const Request& req) {
    static std::atomic<int> holding{0};
    const int at_once = ++holding;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    --holding;
    core::Json body = core::Json::MakeObject();
    body.Set("bytes", req.body().size());
    body.Set("at_once", at_once);
    return Response::Json(200, body);
  });
  add("GET", "/v1/boom", [](const Request&) -> Response {
    throw std::runtime_error("secret detail 42");
  });
  add("GET", "/v1/slow", [](const Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return Response::Text(200, "slow");
  });
  add("GET", "/v1/sleep1s", [](const Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    return Response::Text(200, "slept");
  });
  add("GET", "/v1/whoami", [](const Request&) {
    Response response = Response::Text(200, "you");
    response.SetLogField("user", kIdNumber);
    response.SetLogField("role", "clerk");
    return response;
  });
  add("GET", "/v1/big", [](const Request&) {
    return Response::Bytes(200, std::string(kBigBytes, 'z'),
                           "application/octet-stream");
  });
  add("GET", "/metrics", MetricsHandler(metrics));
  return router;
}

TestServer::TestServer(ServerConfig config) {
  server_ = std::make_unique<Server>(std::move(config), TestRouter(&metrics_),
                                     &metrics_, &log_);
  core::Status status = server_->Start();
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TestServer::~TestServer() { Stop(); }

void TestServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->Stop(std::chrono::milliseconds(5000));
}

Reply Fetch(uint16_t port, const std::string& method,
            const std::string& target, const std::string& body,
            const std::string& content_type,
            const std::map<std::string, std::string>& headers) {
  return beian::testing::HttpClient(port).Send(method, target, body,
                                               content_type, headers);
}

RawResult RawExchange(uint16_t port, const std::string& bytes,
                      std::chrono::milliseconds timeout) {
  RawResult result;
  auto start = std::chrono::steady_clock::now();
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  try {
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  } catch (const Poco::Exception&) {
    // The server may refuse before everything is sent; read what it said.
  }
  char buffer[65536];
  auto deadline = start + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!socket.poll(Poco::Timespan(0, 50 * 1000),
                     Poco::Net::Socket::SELECT_READ)) {
      continue;
    }
    int n = 0;
    try {
      n = socket.receiveBytes(buffer, sizeof buffer);
    } catch (const Poco::Exception&) {
      result.closed = true;
      break;
    }
    if (n <= 0) {
      result.closed = true;
      break;
    }
    result.data.append(buffer, static_cast<size_t>(n));
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return result;
}

RawResult Trickle(uint16_t port, const std::string& first,
                  const std::string& piece, std::chrono::milliseconds interval,
                  std::chrono::milliseconds timeout) {
  RawResult result;
  const auto start = std::chrono::steady_clock::now();
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  bool sending = true;
  try {
    if (!first.empty()) socket.sendBytes(first.data(), static_cast<int>(first.size()));
  } catch (const Poco::Exception&) {
    sending = false;
  }
  char buffer[65536];
  while (std::chrono::steady_clock::now() < start + timeout) {
    if (socket.poll(Poco::Timespan(interval.count() * 1000),
                    Poco::Net::Socket::SELECT_READ)) {
      int n = 0;
      try {
        n = socket.receiveBytes(buffer, sizeof buffer);
      } catch (const Poco::Exception&) {
      }
      if (n <= 0) {
        result.closed = true;
        break;
      }
      result.data.append(buffer, static_cast<size_t>(n));
      sending = false;  // answered: only read from here on
      continue;
    }
    if (!sending) continue;
    try {
      socket.sendBytes(piece.data(), static_cast<int>(piece.size()));
    } catch (const Poco::Exception&) {
      sending = false;  // the server is gone; read what it said
    }
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return result;
}

Reply ParseRawReply(const std::string& data) {
  Reply reply;
  size_t end = data.find("\r\n\r\n");
  if (data.compare(0, 9, "HTTP/1.1 ") != 0 || end == std::string::npos) {
    return reply;
  }
  reply.status = std::stoi(data.substr(9, 3));
  size_t line = data.find("\r\n") + 2;
  while (line < end) {
    size_t next = data.find("\r\n", line);
    std::string field = data.substr(line, next - line);
    size_t colon = field.find(':');
    if (colon != std::string::npos) {
      size_t value = field.find_first_not_of(' ', colon + 1);
      reply.headers[Lower(field.substr(0, colon))] =
          value == std::string::npos ? "" : field.substr(value);
    }
    line = next + 2;
  }
  size_t length = 0;
  if (!reply.Header("content-length").empty()) {
    length = std::stoul(reply.Header("content-length"));
  }
  reply.body = data.substr(end + 4, length);
  return reply;
}

}  // namespace beian::api::testing
