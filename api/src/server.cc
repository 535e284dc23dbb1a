#include "beian/api/server.h"

#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/Exception.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPMessage.h"
#include "Poco/Net/NetSSL.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Timestamp.h"
#include "beian/core/log.h"
#include "beian/core/work_gate.h"
#include "request_reader.h"
#include "transport.h"

namespace beian::api {
namespace {

using Clock = std::chrono::steady_clock;
using internal::IoResult;
using internal::RequestReader;
using internal::Transport;

// Bytes read from a socket at a time.
constexpr size_t kReadChunk = 64 * 1024;
// The poller's longest sleep: deadlines set by workers meanwhile are noticed
// at most this late.
constexpr auto kPollerTick = std::chrono::milliseconds(100);
// After an error response that leaves request bytes unread, the connection
// is half-closed and its input read and dropped for this long (or up to
// kMaxLingerDiscard bytes), so that closing does not reset it before the
// client has read the response.
constexpr auto kLinger = std::chrono::milliseconds(1000);
constexpr size_t kMaxLingerDiscard = 8 * 1024 * 1024;
// Refused connections lingering at one time; more are closed at once.
constexpr size_t kMaxLingeringRefusals = 64;
// How long accepting pauses when the process is out of descriptors.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
// Connections accepted per poller round before other events get a turn.
constexpr int kAcceptBurst = 64;
// epoll user data of the listening socket and the wake-up eventfd;
// connection ids start above them.
constexpr uint64_t kListenId = 1;
constexpr uint64_t kWakeId = 2;
constexpr uint64_t kFirstConnectionId = 16;

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

Response RequestTimeout() {
  return Response::Error(408, "request_timeout",
                         "the request was not received in time");
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerConfig config, Router router, Metrics* metrics,
       AccessLog* access_log)
      : config_(std::move(config)),
        router_(std::move(router)),
        metrics_(metrics),
        access_log_(access_log),
        large_bodies_(config_.large_body_slots) {
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

 private:
  // Where a connection is; decides which thread may touch it. Changed only
  // under mu_.
  enum class Where {
    kParked,  // waiting in epoll for bytes or its deadline; nobody owns it
    kQueued,  // bytes are ready; waiting for a worker
    kBusy,    // owned by the one thread that took it (worker or poller)
  };

  // What happens once a response has been sent.
  enum class After {
    kNext,    // keep the connection for the next request
    kClose,   // close it
    kLinger,  // request bytes may be unread: half-close and drain (plain)
  };

  // One request in progress on a connection, from its first byte until its
  // response has been sent.
  struct Exchange {
    Clock::time_point start;
    std::chrono::system_clock::time_point time;
    Request request;
    std::string route = "unmatched";
    std::string version = Poco::Net::HTTPMessage::HTTP_1_1;
    bool keep_alive = true;
    uint64_t bytes_in = 0;
    Fields extra;  // the server's log fields, before the handler's

    // The response, once there is one (sending): its head, serialized,
    // then its body; `sent` bytes of the two are written.
    bool sending = false;
    Response response;
    std::string head;
    bool send_body = false;
    size_t sent = 0;
    After after = After::kClose;
  };

  struct Connection {
    Connection(std::unique_ptr<Transport> transport,
               const internal::RequestLimits& limits)
        : fd(transport->fd()), io(std::move(transport)), reader(limits) {}

    uint64_t id = 0;  // set under mu_ when it joins connections_
    const int fd;
    std::unique_ptr<Transport> io;
    std::string remote;       // "host:port"
    std::string address;      // host, the key of the per-address count
    bool counted = false;     // counts toward its address and max_connections
    bool registered = false;  // added to epoll
    Where where = Where::kBusy;
    Clock::time_point deadline;  // while parked
    bool want_write = false;     // parked for writability (TLS)

    RequestReader reader;
    std::optional<Exchange> exchange;
    int served = 0;
    Clock::time_point accepted;
    Clock::time_point idle_since;  // end of the last response
    Clock::time_point last_read;
    Clock::time_point last_write;  // while sending: the last progress
    // The body's current rate window: its start and the body bytes then.
    Clock::time_point window_start;
    size_t window_bytes = 0;
    // Body bytes charged to body_bytes_in_flight_.
    size_t charged = 0;

    bool lingering = false;
    bool refused = false;  // lingering after a refusal at accept
    Clock::time_point linger_until;
    size_t discarded = 0;
  };

  // The poller thread: accepts, waits for readability of parked
  // connections, queues them for the workers, and closes those whose
  // deadline passed.
  void PollLoop();
  void AcceptAll(Clock::time_point now);
  void Admit(int fd, const Poco::Net::SocketAddress& peer,
             Clock::time_point now);
  // Answers a connection refused at accept (plain HTTP only) and lets it
  // linger, or closes it at once.
  void Refuse(int fd, std::string remote, int status, std::string_view code,
              std::string_view message, Clock::time_point now);
  void ExpireDue(Clock::time_point now);
  // Reads and drops input of a lingering connection owned by the caller.
  void DrainLingering(Connection& c, Clock::time_point now);

  // A worker thread: serves queued connections until told to exit.
  void WorkerLoop();
  // Reads, parses and answers requests on a connection owned by the caller
  // until it would have to wait; then parks or closes it.
  void Serve(Connection& c);
  // Checks the head of the exchange's request and starts its body, or sets
  // an error response; false if the connection was closed.
  bool BeginRequest(Connection& c, Clock::time_point now);
  // Dispatches a complete request and sets its response.
  void Answer(Connection& c);
  // Appends received bytes to the reader and keeps the timing; false if the
  // body budget is exhausted.
  bool Feed(Connection& c, std::string_view bytes, Clock::time_point now);
  // Charges the body bytes received to the body budget (false if it is
  // exhausted) and moves the body's rate window on.
  bool ChargeBody(Connection& c, Clock::time_point now);
  // When the connection, parked now, must have made progress.
  Clock::time_point Deadline(const Connection& c) const;
  // The deadline passed: 408 if part of a request arrived (one attempt),
  // then close.
  void TimeOut(Connection& c);

  // Hands a connection owned by the caller back to the poller.
  void Park(Connection& c);
  // Half-closes a connection owned by the caller and parks it to linger.
  void Linger(Connection& c, Clock::time_point now);
  // Closes and forgets a connection owned by the caller.
  void Close(Connection& c);
  void ReleaseBody(Connection& c);

  // Starts the exchange of a request whose first byte just arrived.
  void StartExchange(Connection& c, Clock::time_point now);
  // Makes `response` the exchange's (starting one if there is none),
  // serialized with the server's headers; Connection: close unless `after`
  // is kNext. Serve() then sends it.
  void Respond(Connection& c, Response response, After after);
  // Writes what is left of the exchange's response without waiting: kDone
  // when all is sent, kWantRead/kWantWrite when the socket is not ready,
  // kError.
  IoResult::Kind Flush(Connection& c);
  // The exchange's response has been sent (`sent`) or has failed: records
  // it and goes on as its `after` says (a failure closes). Returns true iff
  // the connection stays with the caller for its next request.
  bool Finish(Connection& c, bool sent);
  // Responds, tries once to send it all, and finishes: for answers that
  // never wait (408 at a deadline, refusals at accept).
  void RespondOnce(Connection& c, Response response, After after);
  // Metrics and access log of a finished exchange.
  void Record(const Exchange& e, uint64_t bytes_out, std::string_view remote);
  // Routes and runs the handler; an exception it throws becomes a 500 and
  // its text a log field in `extra`.
  Response Dispatch(Request& request, std::string& route, Fields& extra);
  // Dispatch for a request with a body over large_body_bytes, in its turn.
  Response DispatchLarge(Exchange& e);
  std::string NextRequestId();
  void Wake();

  const ServerConfig config_;
  const Router router_;
  Metrics* const metrics_;
  AccessLog* const access_log_;
  internal::RequestLimits limits_;
  // Requests with a body over large_body_bytes take turns; the workers
  // holding or waiting for a turn are at most half of them, so that small
  // requests always find one (more get 503).
  core::WorkGate large_bodies_;
  std::atomic<int> large_body_workers_{0};

  Poco::Net::ServerSocket listen_socket_;
  Poco::Net::Context::Ptr context_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool ssl_initialized_ = false;
  bool running_ = false;
  bool secure_ = false;
  std::atomic<uint16_t> port_{0};
  Counter* refused_per_address_ = nullptr;
  Counter* refused_capacity_ = nullptr;
  Counter* refused_busy_ = nullptr;
  Gauge* open_connections_ = nullptr;

  std::thread poller_;
  std::vector<std::thread> workers_;
  // Poller-only state.
  bool listening_ = false;
  bool accept_paused_ = false;
  Clock::time_point accept_resume_;

  std::mutex mu_;
  std::condition_variable work_cv_;   // ready_ or workers_exit_
  std::condition_variable drain_cv_;  // connections_ shrank
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, int> per_address_;
  size_t counted_ = 0;  // connections with `counted`
  size_t lingering_refusals_ = 0;
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;  // parked
  std::deque<Connection*> ready_;
  uint64_t next_connection_ = kFirstConnectionId;
  bool stopping_ = false;  // no new connections; idle ones close
  bool aborting_ = false;  // drain time is over: everything closes
  bool poller_exit_ = false;
  bool workers_exit_ = false;
  std::atomic<bool> stopping_flag_{false};  // stopping_, readable unlocked
  std::atomic<size_t> body_bytes_in_flight_{0};

  char id_prefix_[16] = {};
  std::atomic<uint64_t> next_request_ = 1;
};

core::Status Server::Impl::Start() {
  if (running_) return core::FailedPrecondition("server already started");
  const ServerConfig& c = config_;
  if (c.max_body_bytes == 0 || c.max_url_bytes == 0 ||
      c.max_header_bytes == 0 || c.max_header_count <= 0 ||
      c.max_threads <= 0 || c.max_queued <= 0 ||
      c.receive_timeout.count() <= 0 || c.send_timeout.count() <= 0 ||
      c.header_timeout.count() <= 0 || c.body_rate_window.count() <= 0 ||
      c.keep_alive_timeout.count() < 0 || c.max_keep_alive_requests <= 0 ||
      c.max_connections <= 0 || c.max_connections_per_address <= 0 ||
      c.max_body_bytes_in_flight < c.max_body_bytes || c.large_body_slots <= 0) {
    return core::InvalidArgument("server limits must be positive");
  }
  if (c.cert_file.empty() != c.key_file.empty()) {
    return core::InvalidArgument(
        "TLS needs both cert_file and key_file, or neither");
  }

  // A write to a peer that has gone must fail with EPIPE, not kill us (TLS
  // writes go through OpenSSL, which does not pass MSG_NOSIGNAL).
  struct sigaction old_action {};
  if (sigaction(SIGPIPE, nullptr, &old_action) == 0 &&
      old_action.sa_handler == SIG_DFL) {
    std::signal(SIGPIPE, SIG_IGN);
  }

  limits_.max_line_bytes = c.max_url_bytes + 64;  // method and version too
  limits_.max_header_bytes = c.max_header_bytes;
  limits_.max_header_count = c.max_header_count;
  limits_.max_body_bytes = c.max_body_bytes;

  // bind(address, reuseAddress) would also set SO_REUSEPORT in Poco 1.11,
  // letting a second server share the port silently; hence the 3-argument
  // form. TLS is set up per connection over the plain listening socket.
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
      context_ =
          new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
      context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    }
    listen_socket_ = Poco::Net::ServerSocket();
    listen_socket_.bind(address, true, false);
    listen_socket_.listen(std::max(64, c.max_queued));
    listen_socket_.setBlocking(false);
  } catch (const Poco::Exception& exc) {
    context_ = nullptr;
    return core::IoError("cannot listen on " + c.host + ":" +
                         std::to_string(c.port) + ": " + exc.displayText());
  }
  secure_ = context_ != nullptr;
  listen_fd_ = listen_socket_.impl()->sockfd();
  port_ = listen_socket_.address().port();

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.u64 = kListenId;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = kWakeId;
  if (epoll_fd_ < 0 || wake_fd_ < 0 ||
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0 ||
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0) {
    const int error = errno;
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    epoll_fd_ = wake_fd_ = -1;
    listen_socket_.close();
    context_ = nullptr;
    return core::IoError(std::string("cannot set up epoll: ") +
                         std::strerror(error));
  }
  listening_ = true;
  accept_paused_ = false;

  if (metrics_) {
    const char* help = "Connections refused when accepted, by reason.";
    auto refused = [&](const char* reason) {
      auto counter = metrics_->GetCounter(
          "beian_http_connections_refused_total", help, {{"reason", reason}});
      return counter.ok() ? *counter : nullptr;
    };
    refused_per_address_ = refused("per_address");
    refused_capacity_ = refused("capacity");
    refused_busy_ = refused("busy");
    auto open = metrics_->GetGauge("beian_http_open_connections",
                                   "Client connections open now.");
    open_connections_ = open.ok() ? *open : nullptr;
  }

  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = aborting_ = poller_exit_ = workers_exit_ = false;
    stopping_flag_ = false;
  }
  poller_ = std::thread([this] { PollLoop(); });
  workers_.reserve(static_cast<size_t>(c.max_threads));
  for (int i = 0; i < c.max_threads; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  running_ = true;
  return core::Status::Ok();
}

void Server::Impl::Wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void Server::Impl::Stop(std::chrono::milliseconds drain_timeout) {
  if (!running_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    stopping_flag_ = true;
  }
  // The poller closes the listening socket and the idle connections.
  Wake();
  {
    std::unique_lock<std::mutex> lock(mu_);
    // Busy connections close after sending their response; parked ones with
    // part of a request finish it or time out.
    drain_cv_.wait_for(lock, drain_timeout,
                       [this] { return connections_.empty(); });
    aborting_ = true;
    for (auto& [id, connection] : connections_) {
      // On the descriptor, not through the transport, so that a TLS
      // connection's SSL object is never touched from this thread; its owner
      // sees the failure at its next read or write.
      ::shutdown(connection->fd, SHUT_RDWR);
    }
  }
  Wake();
  {
    std::unique_lock<std::mutex> lock(mu_);
    drain_cv_.wait(lock, [this] { return connections_.empty(); });
    poller_exit_ = true;
    workers_exit_ = true;
  }
  Wake();
  work_cv_.notify_all();
  poller_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  ::close(epoll_fd_);
  ::close(wake_fd_);
  epoll_fd_ = wake_fd_ = listen_fd_ = -1;
  context_ = nullptr;
  running_ = false;
}

std::string Server::Impl::NextRequestId() {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s-%08llx", id_prefix_,
                static_cast<unsigned long long>(next_request_.fetch_add(1)));
  return buffer;
}

// ---------------------------------------------------------------------------
// The poller.

void Server::Impl::PollLoop() {
  std::vector<epoll_event> events(256);
  std::vector<Connection*> lingering;  // readable, to drain here
  std::vector<Connection*> idle;       // to close: the server is stopping
  while (true) {
    Clock::time_point now = Clock::now();
    auto sleep = kPollerTick;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (poller_exit_) break;
      if (!deadlines_.empty()) {
        auto until = std::chrono::ceil<std::chrono::milliseconds>(
            deadlines_.begin()->first - now);
        sleep = std::clamp(until, std::chrono::milliseconds(0), sleep);
      }
    }
    if (accept_paused_) {
      auto until =
          std::chrono::ceil<std::chrono::milliseconds>(accept_resume_ - now);
      sleep = std::clamp(until, std::chrono::milliseconds(0), sleep);
    }
    const int n =
        ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                     static_cast<int>(sleep.count()));
    now = Clock::now();
    bool accept_ready = false;
    lingering.clear();
    idle.clear();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == kWakeId) {
          uint64_t count;
          [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
          continue;
        }
        if (id == kListenId) {
          accept_ready = true;
          continue;
        }
        auto it = connections_.find(id);
        if (it == connections_.end()) continue;
        Connection* c = it->second.get();
        if (c->where != Where::kParked) continue;
        deadlines_.erase({c->deadline, c->id});
        if (c->lingering) {
          c->where = Where::kBusy;
          lingering.push_back(c);
        } else {
          c->where = Where::kQueued;
          ready_.push_back(c);
          work_cv_.notify_one();
        }
      }
      if (stopping_) {
        // Connections without a request in progress close now, all of them
        // once the drain time is over.
        for (auto& [id, connection] : connections_) {
          Connection* c = connection.get();
          if (c->where != Where::kParked) continue;
          if (aborting_ || c->lingering ||
              c->reader.state() == RequestReader::State::kIdle) {
            deadlines_.erase({c->deadline, c->id});
            c->where = Where::kBusy;
            idle.push_back(c);
          }
        }
      }
    }
    for (Connection* c : idle) {
      if (c->exchange && c->exchange->sending) {
        Finish(*c, false);
      } else {
        Close(*c);
      }
    }
    for (Connection* c : lingering) DrainLingering(*c, now);

    if (stopping_flag_ && listening_) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      // From here on a connect() is refused by the kernel.
      try {
        listen_socket_.close();
      } catch (const Poco::Exception&) {
      }
      listening_ = false;
      accept_ready = false;
    }
    if (listening_ && accept_paused_ && now >= accept_resume_) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = kListenId;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event);
      accept_paused_ = false;
    }
    if (accept_ready && listening_) AcceptAll(now);
    ExpireDue(now);
  }
  if (listening_) {
    try {
      listen_socket_.close();
    } catch (const Poco::Exception&) {
    }
    listening_ = false;
  }
}

void Server::Impl::AcceptAll(Clock::time_point now) {
  for (int i = 0; i < kAcceptBurst; ++i) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&storage),
                             &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        // The connection stays in the backlog; try again shortly instead of
        // spinning on a listening socket that stays readable.
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_paused_ = true;
        accept_resume_ = now + kAcceptPause;
      }
      return;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::optional<Poco::Net::SocketAddress> peer;
    try {
      peer.emplace(reinterpret_cast<const sockaddr*>(&storage), length);
    } catch (const Poco::Exception&) {
      ::close(fd);  // an address family Poco does not know
      continue;
    }
    Admit(fd, *peer, now);
  }
}

void Server::Impl::Admit(int fd, const Poco::Net::SocketAddress& peer,
                         Clock::time_point now) {
  std::string address = peer.host().toString();
  std::string remote = peer.toString();
  enum class Verdict { kAdmit, kCapacity, kPerAddress, kBusy } verdict;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_address_.find(address);
    if (counted_ >= static_cast<size_t>(config_.max_connections)) {
      verdict = Verdict::kCapacity;
    } else if (it != per_address_.end() &&
               it->second >= config_.max_connections_per_address) {
      verdict = Verdict::kPerAddress;
    } else if (ready_.size() >= static_cast<size_t>(config_.max_queued)) {
      verdict = Verdict::kBusy;
    } else {
      verdict = Verdict::kAdmit;
    }
  }
  switch (verdict) {
    case Verdict::kCapacity:
      if (refused_capacity_) refused_capacity_->Increment();
      ::close(fd);
      return;
    case Verdict::kPerAddress:
      if (refused_per_address_) refused_per_address_->Increment();
      Refuse(fd, std::move(remote), 429, "too_many_connections",
             "too many connections from this address", now);
      return;
    case Verdict::kBusy:
      if (refused_busy_) refused_busy_->Increment();
      Refuse(fd, std::move(remote), 503, "service_unavailable",
             "the server is busy", now);
      return;
    case Verdict::kAdmit:
      break;
  }

  std::unique_ptr<Transport> io;
  try {
    io = secure_ ? Transport::Tls(fd, context_) : Transport::Plain(fd);
  } catch (const Poco::Exception&) {
    return;  // the descriptor was closed with the half-made socket
  }
  auto owned = std::make_unique<Connection>(std::move(io), limits_);
  Connection* c = owned.get();
  c->remote = std::move(remote);
  c->address = std::move(address);
  c->accepted = c->idle_since = c->last_read = now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c->id = next_connection_++;
    c->counted = true;
    ++counted_;
    ++per_address_[c->address];
    connections_.emplace(c->id, std::move(owned));
    if (open_connections_)
      open_connections_->Set(static_cast<double>(counted_));
  }
  Park(*c);
}

void Server::Impl::Refuse(int fd, std::string remote, int status,
                          std::string_view code, std::string_view message,
                          Clock::time_point now) {
  bool linger = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // No TLS handshake for a refusal: a TLS client just sees the close.
    if (!secure_ && lingering_refusals_ < kMaxLingeringRefusals) {
      ++lingering_refusals_;
      linger = true;
    }
  }
  if (!linger) {
    ::close(fd);
    return;
  }
  auto owned = std::make_unique<Connection>(Transport::Plain(fd), limits_);
  Connection* c = owned.get();
  c->remote = std::move(remote);
  c->refused = true;
  c->accepted = c->idle_since = c->last_read = now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c->id = next_connection_++;
    connections_.emplace(c->id, std::move(owned));
  }
  StartExchange(*c, now);
  Response response = Response::Error(status, code, message);
  response.SetHeader("Retry-After", "1");
  // One attempt: the socket's buffer is empty, so the answer fits.
  RespondOnce(*c, std::move(response), After::kLinger);
}

void Server::Impl::ExpireDue(Clock::time_point now) {
  std::vector<Connection*> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      auto it = connections_.find(deadlines_.begin()->second);
      deadlines_.erase(deadlines_.begin());
      if (it == connections_.end()) continue;
      Connection* c = it->second.get();
      c->where = Where::kBusy;
      due.push_back(c);
    }
  }
  for (Connection* c : due) {
    if (c->lingering) {
      Close(*c);
    } else {
      TimeOut(*c);
    }
  }
}

void Server::Impl::DrainLingering(Connection& c, Clock::time_point now) {
  char buffer[16384];
  while (true) {
    IoResult r = c.io->Read(buffer, sizeof buffer);
    if (r.kind == IoResult::Kind::kDone) {
      c.discarded += r.bytes;
      if (c.discarded >= kMaxLingerDiscard) break;
      continue;
    }
    if (r.kind == IoResult::Kind::kWantRead && now < c.linger_until) {
      Park(c);
      return;
    }
    break;
  }
  Close(c);
}

// ---------------------------------------------------------------------------
// Parking and closing.

void Server::Impl::Park(Connection& c) {
  c.deadline = c.lingering ? c.linger_until : Deadline(c);
  bool close_now = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A connection that becomes idle while the server stops is not kept.
    if (aborting_ || (stopping_ && !c.lingering &&
                      c.reader.state() == RequestReader::State::kIdle)) {
      close_now = true;
    } else {
      epoll_event event{};
      event.events = (c.want_write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
      event.data.u64 = c.id;
      const int op = c.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      if (::epoll_ctl(epoll_fd_, op, c.fd, &event) != 0) {
        close_now = true;
      } else {
        c.registered = true;
        c.where = Where::kParked;
        deadlines_.emplace(c.deadline, c.id);
      }
    }
  }
  if (close_now) Close(c);
}

void Server::Impl::Linger(Connection& c, Clock::time_point now) {
  ReleaseBody(c);
  ::shutdown(c.fd, SHUT_WR);
  c.lingering = true;
  c.want_write = false;
  c.linger_until = now + kLinger;
  c.discarded = 0;
  Park(c);
}

void Server::Impl::ReleaseBody(Connection& c) {
  if (c.charged == 0) return;
  body_bytes_in_flight_.fetch_sub(c.charged);
  c.charged = 0;
}

void Server::Impl::Close(Connection& c) {
  ReleaseBody(c);
  std::unique_ptr<Connection> owned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = connections_.find(c.id);
    if (it == connections_.end()) return;
    owned = std::move(it->second);
    connections_.erase(it);
    if (c.counted) {
      --counted_;
      auto count = per_address_.find(c.address);
      if (count != per_address_.end() && --count->second <= 0) {
        per_address_.erase(count);
      }
      if (open_connections_)
        open_connections_->Set(static_cast<double>(counted_));
    }
    if (c.refused) --lingering_refusals_;
    if (c.registered) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    drain_cv_.notify_all();
  }
  // Destroying the transport closes the socket (a TLS one after trying to
  // send close_notify).
  owned.reset();
}

// ---------------------------------------------------------------------------
// Deadlines.

Clock::time_point Server::Impl::Deadline(const Connection& c) const {
  const ServerConfig& cfg = config_;
  if (c.exchange && c.exchange->sending) return c.last_write + cfg.send_timeout;
  switch (c.reader.state()) {
    case RequestReader::State::kIdle:
      if (c.served == 0) {
        return c.accepted + std::min(cfg.header_timeout, cfg.receive_timeout);
      }
      return c.idle_since + cfg.keep_alive_timeout;
    case RequestReader::State::kHead:
      return std::min(c.exchange->start + cfg.header_timeout,
                      c.last_read + cfg.receive_timeout);
    case RequestReader::State::kBody: {
      Clock::time_point deadline = c.last_read + cfg.receive_timeout;
      if (cfg.min_body_rate > 0) {
        deadline = std::min(deadline, c.window_start + cfg.body_rate_window);
      }
      return deadline;
    }
    case RequestReader::State::kHeadDone:
    case RequestReader::State::kDone:
    case RequestReader::State::kFailed:
      break;
  }
  return Clock::now();  // not parked in these states
}

void Server::Impl::TimeOut(Connection& c) {
  if (c.exchange && c.exchange->sending) {
    Finish(c, false);  // the client took no bytes for send_timeout
    return;
  }
  if (!c.exchange) {
    Close(c);  // idle, or only part of a TLS handshake
    return;
  }
  // One attempt to tell the client; a client too slow to read it is closed
  // all the same.
  RespondOnce(c, RequestTimeout(), After::kLinger);
}

// ---------------------------------------------------------------------------
// Workers.

void Server::Impl::WorkerLoop() {
  while (true) {
    Connection* c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return workers_exit_ || !ready_.empty(); });
      if (ready_.empty()) return;
      c = ready_.front();
      ready_.pop_front();
      c->where = Where::kBusy;
    }
    try {
      Serve(*c);
    } catch (...) {
      // A connection error must not take the worker thread down; the
      // connection is simply closed.
      Close(*c);
    }
  }
}

void Server::Impl::StartExchange(Connection& c, Clock::time_point now) {
  Exchange& e = c.exchange.emplace(Exchange{});
  e.start = now;
  e.time = std::chrono::system_clock::now();
  e.request.set_method("-");
  e.request.SetTarget("");
  e.request.set_secure(secure_);
  e.request.set_remote_address(c.remote);
  e.request.set_request_id(NextRequestId());
}

bool Server::Impl::Feed(Connection& c, std::string_view bytes,
                        Clock::time_point now) {
  c.last_read = now;
  const bool was_idle = c.reader.state() == RequestReader::State::kIdle;
  c.reader.Append(bytes);
  if (was_idle && c.reader.state() != RequestReader::State::kIdle) {
    StartExchange(c, now);
  }
  return ChargeBody(c, now);
}

bool Server::Impl::ChargeBody(Connection& c, Clock::time_point now) {
  if (c.reader.state() != RequestReader::State::kBody &&
      c.reader.state() != RequestReader::State::kDone) {
    return true;
  }
  const size_t body = c.reader.body_bytes();
  if (body > c.charged) {
    const size_t more = body - c.charged;
    if (body_bytes_in_flight_.fetch_add(more) + more > config_.max_body_bytes_in_flight) {
      body_bytes_in_flight_.fetch_sub(more);
      return false;
    }
    c.charged = body;
  }
  const size_t quota = static_cast<size_t>(
      static_cast<double>(config_.min_body_rate) *
      std::chrono::duration<double>(config_.body_rate_window).count());
  if (body - c.window_bytes >= quota) {
    c.window_start = now;
    c.window_bytes = body;
  }
  return true;
}

void Server::Impl::Serve(Connection& c) {
  char buffer[kReadChunk];
  while (true) {
    if (c.exchange && c.exchange->sending) {
      const IoResult::Kind sent = Flush(c);
      if (sent == IoResult::Kind::kWantRead ||
          sent == IoResult::Kind::kWantWrite) {
        // The client is slow to take the response: wait without a worker.
        if (Clock::now() >= Deadline(c)) {
          Finish(c, false);
        } else {
          c.want_write = sent == IoResult::Kind::kWantWrite;
          Park(c);
        }
        return;
      }
      if (!Finish(c, sent == IoResult::Kind::kDone)) return;
      continue;
    }
    switch (c.reader.state()) {
      case RequestReader::State::kHeadDone:
        if (!BeginRequest(c, Clock::now())) return;
        continue;
      case RequestReader::State::kDone:
        Answer(c);
        continue;
      case RequestReader::State::kFailed: {
        const internal::RequestFailure& f = c.reader.failure();
        Respond(c, Response::Error(f.status, f.code, f.message),
                After::kLinger);
        continue;
      }
      case RequestReader::State::kIdle:
      case RequestReader::State::kHead:
      case RequestReader::State::kBody:
        break;
    }
    const IoResult r = c.io->Read(buffer, sizeof buffer);
    const Clock::time_point now = Clock::now();
    if (r.kind == IoResult::Kind::kDone) {
      if (!Feed(c, std::string_view(buffer, r.bytes), now)) {
        Response busy =
            Response::Error(503, "service_unavailable", "the server is busy");
        busy.SetHeader("Retry-After", "1");
        Respond(c, std::move(busy), After::kLinger);
      }
      continue;
    }
    if (r.kind == IoResult::Kind::kClosed || r.kind == IoResult::Kind::kError) {
      // The client closed or failed before its request was complete.
      Close(c);
      return;
    }
    if (now >= Deadline(c)) {
      TimeOut(c);
      return;
    }
    c.want_write = r.kind == IoResult::Kind::kWantWrite;
    Park(c);
    return;
  }
}

bool Server::Impl::BeginRequest(Connection& c, Clock::time_point now) {
  Exchange& e = *c.exchange;
  const internal::RequestHead& head = c.reader.head();
  Request& request = e.request;
  e.version = head.version;
  e.keep_alive = head.keep_alive;
  request.set_method(head.method);
  for (const auto& [name, value] : head.headers) request.AddHeader(name, value);
  const std::string* client_id = request.Header("X-Request-Id");
  if (client_id && IsSafeRequestId(*client_id)) {
    request.set_request_id(*client_id);
  }
  const std::string& uri = head.uri;
  const bool target_ok = request.SetTarget(uri);
  if (uri.size() > config_.max_url_bytes) {
    Respond(
        c,
        Response::Error(414, "url_too_long",
                        "request target too long: more than " +
                            std::to_string(config_.max_url_bytes) + " bytes"),
        After::kLinger);
    return true;
  }
  if (uri.empty() || uri.front() != '/' || !target_ok) {
    Respond(c,
            Response::Error(400, "malformed_url",
                            "request target must be an absolute path "
                            "with well-formed percent escapes"),
            After::kLinger);
    return true;
  }
  c.reader.BeginBody();
  c.window_start = now;
  c.window_bytes = 0;
  if (c.reader.state() == RequestReader::State::kBody &&
      c.reader.body_bytes() == 0 && c.reader.buffered() == 0) {
    const std::string* expect = request.Header("Expect");
    if (expect && EqualsIgnoreCase(*expect, "100-continue") &&
        e.version == Poco::Net::HTTPMessage::HTTP_1_1) {
      const std::string go_on = e.version + " 100 Continue\r\n\r\n";
      if (!internal::WriteAll(*c.io, go_on, false, config_.send_timeout)) {
        Close(c);
        return false;
      }
    }
  }
  // The body bytes that came with the head count toward the budget too.
  if (!ChargeBody(c, now)) {
    Response busy =
        Response::Error(503, "service_unavailable", "the server is busy");
    busy.SetHeader("Retry-After", "1");
    Respond(c, std::move(busy), After::kLinger);
  }
  return true;
}

void Server::Impl::Answer(Connection& c) {
  Exchange& e = *c.exchange;
  e.request.set_body(c.reader.TakeBody());
  e.bytes_in = e.request.body().size();
  Response response = e.bytes_in > config_.large_body_bytes
                          ? DispatchLarge(e)
                          : Dispatch(e.request, e.route, e.extra);
  ++c.served;
  // A stop that began while the handler ran closes the connection after this
  // response (its Connection: close tells the client).
  const bool keep_alive = e.keep_alive && !stopping_flag_ &&
                          c.served < config_.max_keep_alive_requests;
  Respond(c, std::move(response), keep_alive ? After::kNext : After::kClose);
}

// ---------------------------------------------------------------------------
// Requests and responses.

Response Server::Impl::DispatchLarge(Exchange& e) {
  const int most_waiting = std::max(1, config_.max_threads / 2);
  if (large_body_workers_.fetch_add(1) >= most_waiting) {
    large_body_workers_.fetch_sub(1);
    Response busy = Response::Error(503, "service_unavailable",
                                    "the server is busy with large requests");
    busy.SetHeader("Retry-After", "1");
    return busy;
  }
  Response response = [&] {
    core::WorkGate::Slot turn(large_bodies_);
    Response answer = Dispatch(e.request, e.route, e.extra);
    // What parsing and checking took is free now: give it back to the
    // system, from whichever worker's arena it came.
    ::malloc_trim(0);
    return answer;
  }();
  large_body_workers_.fetch_sub(1);
  return response;
}

Response Server::Impl::Dispatch(Request& request, std::string& route,
                                Fields& extra) {
  RouteMatch match = router_.Match(request.method(), request.path());
  route = match.route;
  switch (match.kind) {
    case RouteMatch::Kind::kNotFound:
      return Response::Error(404, "not_found", "no resource at this path");
    case RouteMatch::Kind::kMethodNotAllowed: {
      Response response =
          Response::Error(405, "method_not_allowed",
                          "method " + request.method() +
                              " not allowed here; allowed: " + match.allow);
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
    extra.emplace_back("exception", exc.what());
  } catch (...) {
    extra.emplace_back("exception", "unknown exception");
  }
  core::Log(core::LogLevel::kError, "handler_exception", extra.back().second,
            {{"method", std::string(request.method())}, {"path", std::string(request.path())}});
  return Response::Error(500, "internal", "internal error");
}

void Server::Impl::Respond(Connection& c, Response response, After after) {
  if (!c.exchange) StartExchange(c, Clock::now());
  Exchange& e = *c.exchange;
  e.bytes_in = std::max<uint64_t>(e.bytes_in, c.reader.body_bytes());
  int status = response.status();
  if (status < 200 || status > 599) {
    response =
        Response::Error(500, "internal", "handler returned an invalid status");
    status = 500;
  }
  const bool no_body = status == 204 || status == 304;
  if (no_body) response.set_body({});
  response.RemoveHeader("Content-Length");
  response.RemoveHeader("Transfer-Encoding");
  response.RemoveHeader("Connection");
  response.RemoveHeader("Date");
  response.SetHeader("X-Request-Id", e.request.request_id());

  std::string& head = e.head;
  head.clear();
  head.reserve(512);
  head += e.version;
  head += ' ';
  head += std::to_string(status);
  head += ' ';
  head += ReasonPhrase(status);
  head += "\r\nDate: ";
  head += Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                          Poco::DateTimeFormat::HTTP_FORMAT);
  head += "\r\n";
  for (const auto& [name, value] : response.headers()) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (!no_body) {
    head += "Content-Length: ";
    head += std::to_string(response.body().size());
    head += "\r\n";
  }
  if (after != After::kNext) {
    head += "Connection: close\r\n";
  } else if (e.version == Poco::Net::HTTPMessage::HTTP_1_0) {
    head += "Connection: Keep-Alive\r\n";
  }
  head += "\r\n";
  e.send_body =
      e.request.method() != "HEAD" && !no_body && !response.body().empty();
  // A small body goes out with the head, in one write.
  if (e.send_body && response.body().size() <= 16 * 1024) {
    head += response.body();
    e.send_body = false;
  }
  e.response = std::move(response);
  e.sent = 0;
  e.after = after;
  e.sending = true;
  c.last_write = Clock::now();
}

IoResult::Kind Server::Impl::Flush(Connection& c) {
  Exchange& e = *c.exchange;
  const std::string& body = e.response.body();
  const size_t total = e.head.size() + (e.send_body ? body.size() : 0);
  while (e.sent < total) {
    const bool in_head = e.sent < e.head.size();
    const std::string_view rest =
        in_head ? std::string_view(e.head).substr(e.sent)
                : std::string_view(body).substr(e.sent - e.head.size());
    const IoResult r =
        c.io->Write(rest.data(), rest.size(), in_head && e.send_body);
    if (r.kind != IoResult::Kind::kDone) return r.kind;
    e.sent += r.bytes;
    c.last_write = Clock::now();
  }
  return IoResult::Kind::kDone;
}

bool Server::Impl::Finish(Connection& c, bool sent) {
  Exchange& e = *c.exchange;
  const int status = e.response.status();
  const bool had_body =
      e.request.method() != "HEAD" && status != 204 && status != 304;
  Record(e, sent && had_body ? e.response.body().size() : 0, c.remote);
  const After after = e.after;
  c.exchange.reset();
  ReleaseBody(c);
  if (!sent || after == After::kClose || (after == After::kLinger && secure_)) {
    Close(c);
    return false;
  }
  if (after == After::kLinger) {
    Linger(c, Clock::now());
    return false;
  }
  c.idle_since = Clock::now();
  c.reader.Next();
  if (c.reader.state() != RequestReader::State::kIdle) {
    StartExchange(c, c.idle_since);  // pipelined
  }
  return true;
}

void Server::Impl::RespondOnce(Connection& c, Response response, After after) {
  Respond(c, std::move(response), after);
  Finish(c, Flush(c) == IoResult::Kind::kDone);
}

void Server::Impl::Record(const Exchange& e, uint64_t bytes_out,
                          std::string_view remote) {
  const double seconds =
      std::chrono::duration<double>(Clock::now() - e.start).count();
  if (metrics_) {
    metrics_->RecordRequest(e.route, e.request.method(), e.response.status(),
                            seconds);
  }
  if (access_log_) {
    AccessLogEntry entry;
    entry.time = e.time;
    entry.remote = std::string(remote);
    entry.request_id = e.request.request_id();
    entry.method = e.request.method();
    entry.target = e.request.target();
    entry.route = e.route;
    entry.status = e.response.status();
    entry.bytes_in = e.bytes_in;
    entry.bytes_out = bytes_out;
    entry.duration_ms = seconds * 1000;
    entry.error = e.response.error_code();
    entry.fields = e.extra;
    for (const auto& field : e.response.log_fields()) {
      entry.fields.push_back(field);
    }
    access_log_->Write(entry);
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
