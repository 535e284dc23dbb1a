#ifndef BEIAN_API_SRC_TRANSPORT_H_
#define BEIAN_API_SRC_TRANSPORT_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "Poco/Net/Context.h"

namespace beian::api::internal {

// Outcome of one non-blocking read or write.
struct IoResult {
  enum class Kind {
    kDone,       // `bytes` were read or written (never 0)
    kWantRead,   // nothing now; retry when the socket is readable
    kWantWrite,  // nothing now; retry when the socket is writable (TLS)
    kClosed,     // the peer closed its end (reads only)
    kError,      // the connection is unusable
  };
  Kind kind = Kind::kError;
  size_t bytes = 0;
};

// A connected socket, plain TCP or TLS, used without blocking: each call does
// what can be done at once. TLS handshakes happen inside the first reads.
// Owns the socket and closes it when destroyed. Not thread-safe: one thread at
// a time, handed over under a lock.
class Transport {
 public:
  // Takes `fd`, a connected non-blocking TCP socket, as plain TCP.
  static std::unique_ptr<Transport> Plain(int fd);
  // Takes `fd` as the server side of a TLS connection with `context`; throws
  // Poco::Exception if OpenSSL cannot set it up.
  static std::unique_ptr<Transport> Tls(int fd,
                                        Poco::Net::Context::Ptr context);

  virtual ~Transport() = default;

  // The socket's descriptor (for poll, epoll and shutdown only).
  int fd() const { return fd_; }
  // Reads up to `size` bytes. Only kWantRead or kWantWrite means that
  // nothing is left to read without waiting: a TLS record decrypted but not
  // yet read comes out first.
  virtual IoResult Read(char* buffer, size_t size) = 0;
  // Writes up to `size` bytes; `more` tells that more follows at once (the
  // kernel may then wait to fill a packet). After kWantRead/kWantWrite, a TLS
  // write must be repeated with the same bytes.
  virtual IoResult Write(const char* data, size_t size, bool more) = 0;

 protected:
  explicit Transport(int fd) : fd_(fd) {}

 private:
  const int fd_;
};

// Writes all of `data`, waiting for the socket whenever it is not ready, up
// to `stall` each time (0: only what can be written at once). Returns false
// if the connection failed or a wait ran out.
bool WriteAll(Transport& transport, std::string_view data, bool more,
              std::chrono::milliseconds stall);

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_TRANSPORT_H_
