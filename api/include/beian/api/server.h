#ifndef BEIAN_API_SERVER_H_
#define BEIAN_API_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "beian/api/access_log.h"
#include "beian/api/metrics.h"
#include "beian/api/router.h"
#include "beian/core/status.h"

namespace beian::api {

// Limits and listening address of a Server.
struct ServerConfig {
  // Address to bind; the default keeps the server off the network.
  std::string host = "127.0.0.1";
  // Port to bind; 0 picks a free port (see Server::port()).
  uint16_t port = 0;
  // Largest request body accepted; larger gets 413 "body_too_large", before
  // reading it when Content-Length announces it, else as soon as a chunked
  // body passes the limit.
  size_t max_body_bytes = 20 * 1024 * 1024;
  // Bodies are held in memory from their first byte until their response has
  // been sent, all of them together at most this many bytes; a body that
  // would pass it gets 503 "service_unavailable" with Retry-After.
  size_t max_body_bytes_in_flight = 64 * 1024 * 1024;
  // Requests with a body larger than large_body_bytes are handled at most
  // large_body_slots at a time, the others waiting their turn in arrival
  // order: parsing and checking a large JSON document takes several times
  // its size in memory, which is then held once, not once per worker.
  size_t large_body_bytes = 1024 * 1024;
  int large_body_slots = 1;
  // Longest request target (path and query); longer gets 414 "url_too_long".
  // A request line longer than this plus 64 bytes is refused while it is
  // being read.
  size_t max_url_bytes = 8 * 1024;
  // Largest header block (the header fields after the request line, bytes as
  // sent); larger gets 431 "headers_too_large", refused while being read.
  // Independently of this, Poco refuses a header name over 256 bytes or a
  // value over 8192 bytes; those get 431 too.
  size_t max_header_bytes = 16 * 1024;
  // Most header fields; more gets 431.
  int max_header_count = 100;
  // Worker threads: requests read, handled and answered at the same time. A
  // connection holds a worker only while bytes are there to read or a
  // request is being answered; idle keep-alive connections and clients slow
  // to send wait without one.
  int max_threads = 16;
  // Connections with bytes ready, waiting for a free worker; while this many
  // wait, new connections get 503 "service_unavailable" with Retry-After.
  int max_queued = 64;
  // Client connections open at the same time; more are closed as soon as
  // they are accepted.
  int max_connections = 1024;
  // Connections open at the same time from one client address (IP); more
  // get 429 "too_many_connections" with Retry-After, without taking a worker.
  int max_connections_per_address = 32;
  // Longest time from the first byte of a request (on a new connection: from
  // accepting it) until its request line and headers have arrived, however
  // the bytes trickle in; a slower client gets 408 and is disconnected.
  std::chrono::milliseconds header_timeout{10000};
  // Longest wait for the next bytes of a request (also for its first bytes);
  // a client stalling longer gets 408 and is disconnected. This bounds each
  // gap between bytes, not the whole request.
  std::chrono::milliseconds receive_timeout{30000};
  // A request body must bring at least min_body_rate bytes per second: at
  // least min_body_rate × body_rate_window bytes in each body_rate_window,
  // the first window (a grace period) starting when the headers are
  // complete, each next one when the previous quota is met. A slower client
  // gets 408 and is disconnected. 0 turns the check off.
  size_t min_body_rate = 1024;
  std::chrono::milliseconds body_rate_window{10000};
  // Longest wait for the client to accept more response bytes (a client
  // that keeps taking them, however slowly, is not cut off); the wait holds
  // no worker.
  std::chrono::milliseconds send_timeout{30000};
  // How long an idle keep-alive connection is kept open (it holds no
  // worker meanwhile).
  std::chrono::milliseconds keep_alive_timeout{5000};
  // Requests served on one connection before it is closed.
  int max_keep_alive_requests = 1000;
  // PEM certificate chain and private key; when both are set the server speaks
  // HTTPS only. Setting just one is an error.
  std::string cert_file;
  std::string key_file;
};

// An HTTP/1.1 server dispatching to a Router. One thread accepts connections
// and waits (epoll) for bytes on all of them; a connection goes to one of
// max_threads workers only when bytes are there to read, which it reads
// without blocking, parsing as far as they go, and it returns to the waiting
// thread as soon as it would have to wait again: for the rest of a slow
// request, or for the next request of a keep-alive connection. So slow or
// idle clients hold no worker, only their deadlines (header_timeout,
// receive_timeout, min_body_rate, keep_alive_timeout). A worker runs the
// handler and writes the response as far as the client takes it; a client
// slow to read the rest waits without a worker too (send_timeout).
//
// Every response carries X-Request-Id (the client's, if it sent a safe one:
// 1..64 of [A-Za-z0-9._-], else a generated one). Each request is recorded in
// the Metrics and AccessLog given at construction (either may be null) right
// after its response has been sent, so a client may see its response a moment
// before the record exists. Requests refused before their request line could
// be parsed, and connections refused with 429 or 503 when accepted, are
// recorded with method "-" and route "unmatched". The server also keeps
// beian_http_open_connections (gauge) and
// beian_http_connections_refused_total{reason="per_address"|"busy"|"capacity"}.
//
// Start() ignores SIGPIPE process-wide when it is at its default action, as a
// peer closing its end must not kill the process.
//
// Thread safety: Start, Stop and the destructor must be called from one
// thread; port() and secure() from any thread after Start.
class Server {
 public:
  // A stopped server. `metrics` and `access_log` are not owned and must
  // outlive the server.
  Server(ServerConfig config, Router router, Metrics* metrics = nullptr,
         AccessLog* access_log = nullptr);
  // Stop(0) if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts serving in background threads; returns once
  // connections are accepted. Errors: kInvalidArgument for a bad config
  // (limits or timeouts of 0, only one of cert/key), kIoError when binding
  // fails or the TLS files cannot be loaded, kFailedPrecondition when
  // already started.
  core::Status Start();

  // The bound port (the real one when config.port was 0); 0 before Start.
  uint16_t port() const;
  // True iff serving HTTPS.
  bool secure() const;

  // Graceful stop: stops accepting (new connections are refused), closes idle
  // keep-alive connections, lets requests in flight (being received or
  // handled) finish and send their responses (with Connection: close) for up
  // to `drain_timeout`, then disconnects whatever is left and waits for the
  // threads to exit. A handler that never returns blocks Stop: threads
  // cannot be cancelled.
  // No-op when not running.
  void Stop(std::chrono::milliseconds drain_timeout =
                std::chrono::milliseconds(10000));

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks SIGTERM and SIGINT in the calling thread; threads created afterwards
// inherit the mask. Call it at the top of main, before starting a Server, so
// that the signals are left for WaitForTerminationSignal. Returns kInternal if
// pthread_sigmask fails.
core::Status BlockTerminationSignals();

// Blocks SIGTERM and SIGINT in the calling thread (if not yet blocked) and
// waits for one with sigwait; returns the signal number. Intended for main:
//   BlockTerminationSignals(); server.Start(); WaitForTerminationSignal();
//   server.Stop();
int WaitForTerminationSignal();

}  // namespace beian::api

#endif  // BEIAN_API_SERVER_H_
