#include "beian/api/server.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <streambuf>

#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/Exception.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPChunkedStream.h"
#include "Poco/Net/HTTPFixedLengthStream.h"
#include "Poco/Net/HTTPHeaderStream.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerSession.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/NetSSL.h"
#include "Poco/Net/SecureServerSocket.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/TCPServer.h"
#include "Poco/Net/TCPServerConnection.h"
#include "Poco/Net/TCPServerConnectionFactory.h"
#include "Poco/Net/TCPServerParams.h"
#include "Poco/ThreadPool.h"
#include "Poco/Timespan.h"

namespace beian::api {
namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan ToTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) *
                        1000);
}

// HTTPServerSession with the bytes it has already buffered made visible, so
// that an idle wait can tell pipelined requests from an idle connection.
class Session : public Poco::Net::HTTPServerSession {
 public:
  Session(const Poco::Net::StreamSocket& socket,
          Poco::Net::HTTPServerParams::Ptr params)
      : HTTPServerSession(socket, params) {}
  int Buffered() const { return buffered(); }
};

// 1..64 characters of [A-Za-z0-9._-].
bool IsSafeRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Strict Content-Length: 1..18 decimal digits (no sign, no spaces).
bool ParseContentLength(std::string_view text, uint64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool IsTimeout(const Poco::Exception* exc) {
  return exc && dynamic_cast<const Poco::TimeoutException*>(exc) != nullptr;
}

// Passes the request line and header block through to Poco's parser while
// counting bytes, and reports end-of-input once the request line or the
// header fields pass their limit, so that an oversized request is refused
// while it is read, not after it has been buffered whole.
class HeaderLimitBuf : public std::streambuf {
 public:
  HeaderLimitBuf(std::streambuf* source, size_t line_limit,
                 size_t fields_limit)
      : source_(source), line_limit_(line_limit), fields_limit_(fields_limit) {}

  // True once the request line has been read.
  bool line_done() const { return line_done_; }
  // Bytes of the request line read so far.
  size_t line_bytes() const { return line_bytes_; }
  // True iff reading stopped at a limit.
  bool exceeded() const { return exceeded_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    size_t& used = line_done_ ? fields_bytes_ : line_bytes_;
    size_t limit = line_done_ ? fields_limit_ : line_limit_;
    if (used >= limit) {
      exceeded_ = true;
      return traits_type::eof();
    }
    int_type c = source_->sbumpc();  // may throw Poco::TimeoutException
    if (traits_type::eq_int_type(c, traits_type::eof())) return c;
    ch_ = traits_type::to_char_type(c);
    ++used;
    if (ch_ == '\n') line_done_ = true;
    setg(&ch_, &ch_, &ch_ + 1);
    return c;
  }

 private:
  std::streambuf* source_;
  size_t line_limit_;
  size_t fields_limit_;
  size_t line_bytes_ = 0;
  size_t fields_bytes_ = 0;
  bool line_done_ = false;
  bool exceeded_ = false;
  char ch_ = 0;
};

// HTTPRequest::MAX_URI_LENGTH, which Poco 1.11 keeps private.
constexpr size_t kPocoMaxUriLength = 16384;

// The status for a request Poco's parser refused.
int StatusForMessageException(const Poco::Exception& exc,
                              const HeaderLimitBuf& counter) {
  if (counter.exceeded()) return counter.line_done() ? 431 : 414;
  const std::string& message = exc.message();
  // Poco says "URI invalid or too long" for both; only the length tells.
  if (message.find("URI") != std::string::npos &&
      counter.line_bytes() >= kPocoMaxUriLength) {
    return 414;
  }
  if (message.find("Too many header fields") != std::string::npos ||
      message.find("Field name too long") != std::string::npos ||
      message.find("Field value too long") != std::string::npos) {
    return 431;
  }
  return 400;
}

Response ErrorForStatus(int status, std::string_view detail) {
  switch (status) {
    case 408:
      return Response::Error(408, "request_timeout",
                             "the request was not received in time");
    case 414:
      return Response::Error(414, "url_too_long",
                             "request target too long" +
                                 std::string(detail));
    case 431:
      return Response::Error(431, "headers_too_large",
                             "request header fields too large");
    default:
      return Response::Error(400, "bad_request",
                             "malformed HTTP request" + std::string(detail));
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerConfig config, Router router, Metrics* metrics,
       AccessLog* access_log)
      : config_(std::move(config)),
        router_(std::move(router)),
        metrics_(metrics),
        access_log_(access_log) {
    std::random_device random;
    std::snprintf(id_prefix_, sizeof id_prefix_, "%08x",
                  static_cast<unsigned>(random()));
  }

  ~Impl() {
    Stop(std::chrono::milliseconds(0));
    if (ssl_initialized_) Poco::Net::uninitializeSSL();
  }

  core::Status Start();
  void Stop(std::chrono::milliseconds drain_timeout);

  uint16_t port() const { return port_.load(); }
  bool secure() const { return secure_; }

  // Connection bookkeeping (see Connection::run).
  uint64_t Register(const Poco::Net::StreamSocket& socket);
  void Unregister(uint64_t id);
  bool stopping() const { return stopping_.load(); }

  // Serves requests on one connection until it is closed.
  void ServeConnection(Poco::Net::StreamSocket& socket);

 private:
  class Connection;
  class ConnectionFactory;

  // Waits up to `timeout` for request bytes; false on timeout, peer idle past
  // it, or server stopping.
  bool WaitForRequest(Session& session, Poco::Net::StreamSocket& socket,
                      std::chrono::milliseconds timeout);
  // Reads, dispatches and answers one request; returns whether the connection
  // may be kept open for another.
  bool ServeOne(Session& session, Poco::Net::StreamSocket& socket,
                bool last_allowed);
  Response Dispatch(Request& request, std::string& route,
                    AccessLogEntry& entry);
  // Writes the response; returns false if the client is gone.
  bool WriteResponse(Session& session, const Request& request,
                     const std::string& version, Response& response,
                     bool keep_alive, uint64_t& bytes_out);
  // After an error that leaves request bytes unread: stop sending, then read
  // and discard briefly so that closing does not reset the connection before
  // the client has read the response.
  void LingeringClose(Poco::Net::StreamSocket& socket);
  std::string NextRequestId();

  const ServerConfig config_;
  const Router router_;
  Metrics* const metrics_;
  AccessLog* const access_log_;

  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::TCPServer> tcp_server_;
  Poco::Net::ServerSocket listen_socket_;
  Poco::Net::Context::Ptr context_;
  Poco::Net::HTTPServerParams::Ptr session_params_;
  bool ssl_initialized_ = false;
  bool running_ = false;
  bool secure_ = false;
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stopping_{false};

  std::mutex connections_mu_;
  std::condition_variable connections_cv_;
  std::map<uint64_t, Poco::Net::StreamSocket> connections_;
  uint64_t next_connection_ = 1;

  char id_prefix_[16] = {};
  std::atomic<uint64_t> next_request_ = 1;
};

class Server::Impl::Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, Impl* impl)
      : TCPServerConnection(socket), impl_(impl) {}

  void run() override {
    uint64_t id = impl_->Register(socket());
    if (id == 0) return;
    try {
      impl_->ServeConnection(socket());
    } catch (...) {
      // A connection error must not take the worker thread down; the
      // connection is simply closed.
    }
    impl_->Unregister(id);
  }

 private:
  Impl* impl_;
};

class Server::Impl::ConnectionFactory
    : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(Impl* impl) : impl_(impl) {}
  Poco::Net::TCPServerConnection* createConnection(
      const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, impl_);
  }

 private:
  Impl* impl_;
};

core::Status Server::Impl::Start() {
  if (running_) return core::FailedPrecondition("server already started");
  const ServerConfig& c = config_;
  if (c.max_body_bytes == 0 || c.max_url_bytes == 0 ||
      c.max_header_bytes == 0 || c.max_header_count <= 0 ||
      c.max_threads <= 0 || c.max_queued <= 0 ||
      c.receive_timeout.count() <= 0 || c.send_timeout.count() <= 0 ||
      c.keep_alive_timeout.count() < 0 || c.max_keep_alive_requests <= 0) {
    return core::InvalidArgument("server limits must be positive");
  }
  if (c.cert_file.empty() != c.key_file.empty()) {
    return core::InvalidArgument(
        "TLS needs both cert_file and key_file, or neither");
  }

  // A write to a peer that has gone must fail with EPIPE, not kill us.
  struct sigaction old_action {};
  if (sigaction(SIGPIPE, nullptr, &old_action) == 0 &&
      old_action.sa_handler == SIG_DFL) {
    std::signal(SIGPIPE, SIG_IGN);
  }

  // bind(address, reuseAddress) would also set SO_REUSEPORT in Poco 1.11,
  // letting a second server share the port silently; hence the 3-argument
  // form.
  try {
    Poco::Net::SocketAddress address(c.host, c.port);
    if (!c.cert_file.empty()) {
      if (!ssl_initialized_) {
        Poco::Net::initializeSSL();
        ssl_initialized_ = true;
      }
      Poco::Net::Context::Params params;
      params.privateKeyFile = c.key_file;
      params.certificateFile = c.cert_file;
      params.verificationMode = Poco::Net::Context::VERIFY_NONE;
      params.loadDefaultCAs = false;
      params.cipherList = "HIGH:!aNULL:!MD5:!RC4";
      context_ = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE,
                                        params);
      context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      Poco::Net::SecureServerSocket secure_socket(context_);
      secure_socket.bind(address, true, false);
      secure_socket.listen(std::max(64, c.max_queued));
      listen_socket_ = secure_socket;
      secure_ = true;
    } else {
      Poco::Net::ServerSocket plain_socket;
      plain_socket.bind(address, true, false);
      plain_socket.listen(std::max(64, c.max_queued));
      listen_socket_ = plain_socket;
      secure_ = false;
    }
  } catch (const Poco::Exception& exc) {
    context_ = nullptr;
    return core::IoError("cannot listen on " + c.host + ":" +
                         std::to_string(c.port) + ": " + exc.displayText());
  }
  port_ = listen_socket_.address().port();

  session_params_ = new Poco::Net::HTTPServerParams;
  session_params_->setKeepAlive(true);
  session_params_->setTimeout(ToTimespan(c.receive_timeout));
  session_params_->setKeepAliveTimeout(ToTimespan(c.keep_alive_timeout));
  session_params_->setMaxKeepAliveRequests(c.max_keep_alive_requests);

  Poco::Net::TCPServerParams::Ptr tcp_params = new Poco::Net::TCPServerParams;
  tcp_params->setMaxThreads(c.max_threads);
  tcp_params->setMaxQueued(c.max_queued);
  tcp_params->setThreadIdleTime(Poco::Timespan(60, 0));

  stopping_ = false;
  pool_ = std::make_unique<Poco::ThreadPool>("beian-http", 1, c.max_threads,
                                             60);
  tcp_server_ = std::make_unique<Poco::Net::TCPServer>(
      new ConnectionFactory(this), *pool_, listen_socket_, tcp_params);
  tcp_server_->start();
  running_ = true;
  return core::Status::Ok();
}

void Server::Impl::Stop(std::chrono::milliseconds drain_timeout) {
  if (!running_) return;
  stopping_ = true;
  // Stops the acceptor thread and drops connections not yet being served.
  tcp_server_->stop();
  // From here on a connect() is refused by the kernel.
  try {
    listen_socket_.close();
  } catch (const Poco::Exception&) {
  }
  {
    std::unique_lock<std::mutex> lock(connections_mu_);
    // Idle connections notice `stopping_` within one poll slice; busy ones
    // after sending their response.
    connections_cv_.wait_for(lock, drain_timeout,
                             [this] { return connections_.empty(); });
    for (auto& [id, socket] : connections_) {
      // On the descriptor, not through Poco, so that a TLS connection's SSL
      // object is never touched from this thread.
      ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
    }
    connections_cv_.wait(lock, [this] { return connections_.empty(); });
  }
  pool_->joinAll();
  tcp_server_.reset();
  pool_.reset();
  context_ = nullptr;
  running_ = false;
}

uint64_t Server::Impl::Register(const Poco::Net::StreamSocket& socket) {
  std::lock_guard<std::mutex> lock(connections_mu_);
  if (stopping_) return 0;
  uint64_t id = next_connection_++;
  connections_.emplace(id, socket);
  return id;
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(connections_mu_);
  connections_.erase(id);
  connections_cv_.notify_all();
}

std::string Server::Impl::NextRequestId() {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s-%08llx", id_prefix_,
                static_cast<unsigned long long>(next_request_.fetch_add(1)));
  return buffer;
}

void Server::Impl::ServeConnection(Poco::Net::StreamSocket& socket) {
  Session session(socket, session_params_);
  socket.setSendTimeout(ToTimespan(config_.send_timeout));
  socket.setReceiveTimeout(ToTimespan(config_.receive_timeout));
  try {
    socket.setNoDelay(true);
  } catch (const Poco::Exception&) {
  }
  int served = 0;
  bool first = true;
  while (true) {
    if (!WaitForRequest(session, socket,
                        first ? config_.receive_timeout
                              : config_.keep_alive_timeout)) {
      return;
    }
    first = false;
    if (stopping_) return;
    ++served;
    if (!ServeOne(session, socket, served < config_.max_keep_alive_requests)) {
      return;
    }
  }
}

bool Server::Impl::WaitForRequest(Session& session,
                                  Poco::Net::StreamSocket& socket,
                                  std::chrono::milliseconds timeout) {
  constexpr auto kSlice = std::chrono::milliseconds(100);
  const auto deadline = Clock::now() + timeout;
  while (true) {
    if (session.Buffered() > 0) return true;
    try {
      if (socket.available() > 0) return true;
    } catch (const Poco::Exception&) {
    }
    if (stopping_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return false;
    try {
      if (socket.poll(ToTimespan(std::min(left, kSlice)),
                      Poco::Net::Socket::SELECT_READ |
                          Poco::Net::Socket::SELECT_ERROR)) {
        return true;
      }
    } catch (const Poco::Exception&) {
      return false;
    }
  }
}

bool Server::Impl::ServeOne(Session& session, Poco::Net::StreamSocket& socket,
                            bool last_allowed) {
  const auto start = Clock::now();
  AccessLogEntry entry;
  entry.time = std::chrono::system_clock::now();
  try {
    entry.remote = socket.peerAddress().toString();
  } catch (const Poco::Exception&) {
  }

  Request request;
  request.set_method("-");
  request.SetTarget("");
  request.set_secure(secure_);
  request.set_remote_address(entry.remote);
  std::string route = "unmatched";
  std::optional<Response> response;
  bool keep_alive = last_allowed && !stopping_;
  bool linger = false;  // request bytes may be left unread
  std::string version = Poco::Net::HTTPMessage::HTTP_1_1;

  // 1. Request line and headers.
  Poco::Net::HTTPRequest head;
  head.setFieldLimit(config_.max_header_count);
  bool parsed = false;
  {
    Poco::Net::HTTPHeaderInputStream header_stream(session);
    // The request line may hold the URL, a method and the version.
    HeaderLimitBuf counter(header_stream.rdbuf(), config_.max_url_bytes + 64,
                           config_.max_header_bytes);
    std::istream limited(&counter);
    try {
      head.read(limited);
      parsed = !counter.exceeded();
      if (!parsed) {
        response = ErrorForStatus(counter.line_done() ? 431 : 414, "");
        linger = true;
      }
    } catch (const Poco::Net::NoMessageException&) {
      return false;  // the peer closed the connection
    } catch (const Poco::Net::MessageException& exc) {
      if (!session.networkException()) {
        response = ErrorForStatus(StatusForMessageException(exc, counter), "");
        linger = true;
      }
    } catch (const Poco::Exception&) {
    }
  }
  if (session.networkException()) {
    if (!IsTimeout(session.networkException())) return false;
    response = ErrorForStatus(408, "");
    parsed = false;
  }
  if (!parsed && !response) return false;

  request.set_request_id(NextRequestId());
  uint64_t bytes_in = 0;
  if (parsed) {
    version = head.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0
                  ? Poco::Net::HTTPMessage::HTTP_1_0
                  : Poco::Net::HTTPMessage::HTTP_1_1;
    keep_alive = keep_alive && head.getKeepAlive();
    request.set_method(head.getMethod());
    for (const auto& [name, value] : head) request.AddHeader(name, value);
    const std::string* client_id = request.Header("X-Request-Id");
    if (client_id && IsSafeRequestId(*client_id)) {
      request.set_request_id(*client_id);
    }
    const std::string& uri = head.getURI();
    bool target_ok = request.SetTarget(uri);
    if (uri.size() > config_.max_url_bytes) {
      response = ErrorForStatus(
          414, ": more than " + std::to_string(config_.max_url_bytes) +
                   " bytes");
    } else if (uri.empty() || uri.front() != '/' || !target_ok) {
      response = Response::Error(400, "malformed_url",
                                 "request target must be an absolute path "
                                 "with well-formed percent escapes");
    }
  }

  // 2. Body.
  if (!response) {
    std::vector<std::string> lengths = request.HeaderAll("Content-Length");
    const std::string* transfer = request.Header("Transfer-Encoding");
    uint64_t length = 0;
    bool chunked = false;
    if (transfer) {
      if (!EqualsIgnoreCase(*transfer, "chunked")) {
        response = Response::Error(501, "unsupported_transfer_encoding",
                                   "only chunked transfer coding is supported");
      } else if (!lengths.empty()) {
        response = Response::Error(
            400, "bad_request",
            "Content-Length and Transfer-Encoding must not both be sent");
      }
      chunked = true;
    } else if (!lengths.empty()) {
      bool ok = ParseContentLength(lengths.front(), length);
      for (const std::string& other : lengths) ok = ok && other == lengths[0];
      if (!ok) {
        response = Response::Error(400, "bad_request",
                                   "malformed Content-Length");
      } else if (length > config_.max_body_bytes) {
        response = Response::Error(
            413, "body_too_large",
            "request body of " + std::to_string(length) +
                " bytes exceeds the limit of " +
                std::to_string(config_.max_body_bytes) + " bytes");
      }
    }
    if (response) {
      linger = true;
    } else if (chunked || length > 0) {
      const std::string* expect = request.Header("Expect");
      if (expect && EqualsIgnoreCase(*expect, "100-continue") &&
          version == Poco::Net::HTTPMessage::HTTP_1_1) {
        Poco::Net::HTTPHeaderOutputStream continue_stream(session);
        continue_stream << version << " 100 Continue\r\n\r\n";
        continue_stream.flush();
      }
      std::unique_ptr<std::istream> in;
      if (chunked) {
        in = std::make_unique<Poco::Net::HTTPChunkedInputStream>(session);
      } else {
        in = std::make_unique<Poco::Net::HTTPFixedLengthInputStream>(session,
                                                                    length);
      }
      std::string body;
      if (!chunked) body.reserve(length);
      char buffer[16384];
      bool too_large = false;
      while (true) {
        in->read(buffer, sizeof buffer);
        std::streamsize n = in->gcount();
        if (n <= 0) break;
        if (body.size() + static_cast<size_t>(n) > config_.max_body_bytes) {
          too_large = true;
          break;
        }
        body.append(buffer, static_cast<size_t>(n));
      }
      bytes_in = body.size();
      if (session.networkException()) {
        if (!IsTimeout(session.networkException())) return false;
        response = ErrorForStatus(408, "");
        keep_alive = false;
      } else if (too_large) {
        response = Response::Error(
            413, "body_too_large",
            "chunked request body exceeds the limit of " +
                std::to_string(config_.max_body_bytes) + " bytes");
        linger = true;
      } else if (in->bad() || (!chunked && body.size() < length)) {
        if (!chunked) return false;  // the client closed mid-body
        response = Response::Error(400, "bad_request",
                                   "malformed chunked request body");
        linger = true;
      }
      request.set_body(std::move(body));
    }
  }

  // 3. Handler.
  if (!response) response = Dispatch(request, route, entry);
  // A stop that began while the handler ran closes the connection after this
  // response (its Connection: close tells the client).
  if (linger || response->status() == 408 || stopping_) keep_alive = false;

  uint64_t bytes_out = 0;
  bool written = WriteResponse(session, request, version, *response,
                               keep_alive, bytes_out);

  double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  if (metrics_) {
    metrics_->RecordRequest(route, request.method(), response->status(),
                            seconds);
  }
  if (access_log_) {
    entry.request_id = request.request_id();
    entry.method = request.method();
    entry.target = request.target();
    entry.route = route;
    entry.status = response->status();
    entry.bytes_in = bytes_in;
    entry.bytes_out = bytes_out;
    entry.duration_ms = seconds * 1000;
    entry.error = response->error_code();
    for (const auto& field : response->log_fields()) {
      entry.fields.push_back(field);
    }
    access_log_->Write(entry);
  }
  if (!written) return false;
  if (linger && !secure_) LingeringClose(socket);
  return keep_alive;
}

Response Server::Impl::Dispatch(Request& request, std::string& route,
                                AccessLogEntry& entry) {
  RouteMatch match = router_.Match(request.method(), request.path());
  route = match.route;
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound:
      return Response::Error(404, "not_found",
                             "no resource at this path");
    case RouteMatch::Kind::kMethodNotAllowed: {
      Response response = Response::Error(
          405, "method_not_allowed",
          "method " + request.method() + " not allowed here; allowed: " +
              match.allow);
      response.SetHeader("Allow", match.allow);
      return response;
    }
    case RouteMatch::Kind::kBadParam:
      return Response::Error(400, "invalid_path_param", match.error);
    case RouteMatch::Kind::kFound:
      break;
  }
  request.set_path_params(std::move(match.params));
  try {
    return (*match.handler)(request);
  } catch (const std::exception& exc) {
    entry.fields.emplace_back("exception", exc.what());
  } catch (...) {
    entry.fields.emplace_back("exception", "unknown exception");
  }
  return Response::Error(500, "internal", "internal error");
}

bool Server::Impl::WriteResponse(Session& session, const Request& request,
                                 const std::string& version,
                                 Response& response, bool keep_alive,
                                 uint64_t& bytes_out) {
  int status = response.status();
  if (status < 200 || status > 599) {
    response = Response::Error(500, "internal",
                               "handler returned an invalid status");
    status = 500;
  }
  bool no_body = status == 204 || status == 304;
  if (no_body) response.set_body({});
  response.RemoveHeader("Content-Length");
  response.RemoveHeader("Transfer-Encoding");
  response.RemoveHeader("Connection");
  response.RemoveHeader("Date");
  response.SetHeader("X-Request-Id", request.request_id());

  Poco::Net::HTTPResponse head;
  head.setVersion(version);
  head.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status),
                          std::string(ReasonPhrase(status)));
  head.set("Date", Poco::DateTimeFormatter::format(
                       Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT));
  for (const auto& [name, value] : response.headers()) head.add(name, value);
  if (!no_body) {
    head.set("Content-Length", std::to_string(response.body().size()));
  }
  if (!keep_alive) {
    head.set("Connection", "close");
  } else if (version == Poco::Net::HTTPMessage::HTTP_1_0) {
    head.set("Connection", "Keep-Alive");
  }
  bool send_body = request.method() != "HEAD" && !no_body;
  try {
    Poco::Net::HTTPHeaderOutputStream out(session);
    head.write(out);
    if (send_body) {
      out.write(response.body().data(),
                static_cast<std::streamsize>(response.body().size()));
    }
    out.flush();
    if (!out.good() || session.networkException()) return false;
  } catch (const Poco::Exception&) {
    return false;
  }
  bytes_out = send_body ? response.body().size() : 0;
  return true;
}

void Server::Impl::LingeringClose(Poco::Net::StreamSocket& socket) {
  constexpr auto kLinger = std::chrono::milliseconds(1000);
  constexpr size_t kMaxDiscard = 8 * 1024 * 1024;
  try {
    socket.shutdownSend();
    const auto deadline = Clock::now() + kLinger;
    size_t discarded = 0;
    char buffer[16384];
    while (discarded < kMaxDiscard && Clock::now() < deadline && !stopping_) {
      if (!socket.poll(Poco::Timespan(0, 100 * 1000),
                       Poco::Net::Socket::SELECT_READ)) {
        continue;
      }
      int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) break;
      discarded += static_cast<size_t>(n);
    }
  } catch (const Poco::Exception&) {
  }
}

Server::Server(ServerConfig config, Router router, Metrics* metrics,
               AccessLog* access_log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router),
                                   metrics, access_log)) {}

Server::~Server() = default;

core::Status Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port(); }

bool Server::secure() const { return impl_->secure(); }

void Server::Stop(std::chrono::milliseconds drain_timeout) {
  impl_->Stop(drain_timeout);
}

}  // namespace beian::api
