#include "transport.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "Poco/Exception.h"
#include "Poco/Net/SecureStreamSocket.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/StreamSocketImpl.h"

namespace beian::api::internal {
namespace {

using Kind = IoResult::Kind;

class PlainTransport : public Transport {
 public:
  explicit PlainTransport(int fd) : Transport(fd) {}
  ~PlainTransport() override { ::close(fd()); }

  IoResult Read(char* buffer, size_t size) override {
    while (true) {
      const ssize_t n = ::recv(fd(), buffer, size, 0);
      if (n > 0) return {Kind::kDone, static_cast<size_t>(n)};
      if (n == 0) return {Kind::kClosed, 0};
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {Kind::kWantRead, 0};
      return {Kind::kError, 0};
    }
  }

  IoResult Write(const char* data, size_t size, bool more) override {
    const int flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0);
    while (true) {
      const ssize_t n = ::send(fd(), data, size, flags);
      if (n > 0) return {Kind::kDone, static_cast<size_t>(n)};
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return {Kind::kWantWrite, 0};
      }
      return {Kind::kError, 0};
    }
  }
};

// TLS through Poco's SecureStreamSocket in non-blocking mode: its
// receiveBytes and sendBytes return ERR_SSL_WANT_READ/WRITE instead of
// waiting, 0 for a closed connection, and throw for errors.
class TlsTransport : public Transport {
 public:
  TlsTransport(int fd, Poco::Net::Context::Ptr context)
      : Transport(fd), socket_(Attach(fd, std::move(context))) {}

  IoResult Read(char* buffer, size_t size) override {
    try {
      return Result(socket_.receiveBytes(buffer, static_cast<int>(size)), true);
    } catch (const Poco::Exception&) {
      return {Kind::kError, 0};
    }
  }

  IoResult Write(const char* data, size_t size, bool) override {
    try {
      return Result(socket_.sendBytes(data, static_cast<int>(size)), false);
    } catch (const Poco::Exception&) {
      return {Kind::kError, 0};
    }
  }

 private:
  // (A default-constructed SecureStreamSocket would set up Poco's client
  // context, hence no assignment.)
  static Poco::Net::SecureStreamSocket Attach(int fd,
                                              Poco::Net::Context::Ptr context) {
    // The StreamSocket owns the descriptor from here on, also if attach
    // throws.
    Poco::Net::StreamSocket plain(new Poco::Net::StreamSocketImpl(fd));
    plain.setBlocking(false);
    return Poco::Net::SecureStreamSocket::attach(plain, context);
  }

  static IoResult Result(int n, bool reading) {
    if (n > 0) return {Kind::kDone, static_cast<size_t>(n)};
    if (n == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ) {
      return {Kind::kWantRead, 0};
    }
    if (n == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE) {
      return {Kind::kWantWrite, 0};
    }
    return {reading && n == 0 ? Kind::kClosed : Kind::kError, 0};
  }

  Poco::Net::SecureStreamSocket socket_;
};

}  // namespace

std::unique_ptr<Transport> Transport::Plain(int fd) {
  return std::make_unique<PlainTransport>(fd);
}

std::unique_ptr<Transport> Transport::Tls(int fd,
                                          Poco::Net::Context::Ptr context) {
  return std::make_unique<TlsTransport>(fd, std::move(context));
}

bool WriteAll(Transport& transport, std::string_view data, bool more,
              std::chrono::milliseconds stall) {
  while (!data.empty()) {
    IoResult r = transport.Write(data.data(), data.size(), more);
    if (r.kind == Kind::kDone) {
      data.remove_prefix(r.bytes);
      continue;
    }
    if (r.kind != Kind::kWantRead && r.kind != Kind::kWantWrite) return false;
    if (stall.count() <= 0) return false;
    pollfd p{transport.fd(),
             static_cast<short>(r.kind == Kind::kWantRead ? POLLIN : POLLOUT),
             0};
    int ready;
    do {
      ready = ::poll(&p, 1, static_cast<int>(stall.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0 || (p.revents & (POLLERR | POLLNVAL))) return false;
  }
  return true;
}

}  // namespace beian::api::internal
