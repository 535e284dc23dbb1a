#ifndef BEIAN_API_SRC_REQUEST_READER_H_
#define BEIAN_API_SRC_REQUEST_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "beian/api/request.h"

namespace beian::api::internal {

// What a RequestReader enforces while the bytes of a request arrive.
struct RequestLimits {
  // The request line with its line end; longer gets 414.
  size_t max_line_bytes = 8 * 1024 + 64;
  // The header fields with the empty line that ends them; more gets 431.
  size_t max_header_bytes = 16 * 1024;
  // Header fields; more gets 431.
  int max_header_count = 100;
  // The decoded body; larger gets 413.
  size_t max_body_bytes = 20 * 1024 * 1024;
};

// A request line and header fields as parsed.
struct RequestHead {
  std::string method;
  std::string uri;
  // "HTTP/1.0" or "HTTP/1.1" (any other 1.x is read as 1.1).
  std::string version;
  Fields headers;
  // The client allows the connection to stay open after the response.
  bool keep_alive = true;
};

// Why a request cannot be read: the status and error code of the response,
// e.g. {431, "headers_too_large", "..."}.
struct RequestFailure {
  int status = 400;
  std::string code = "bad_request";
  std::string message;
};

// An incremental HTTP/1.1 request parser over the bytes of one connection:
// bytes are appended as they arrive, in pieces of any size, and it reports
// how far the request has got. It never blocks and never reads a socket, so
// one thread can serve many connections. Limits are checked as bytes arrive,
// so an oversized request is refused without being buffered whole. Not
// thread-safe; one per connection.
//
//   kIdle ─bytes→ kHead ─empty line→ kHeadDone ─BeginBody→ kBody → kDone
//                          any limit or syntax error → kFailed
//
// Bytes after the end of a request (pipelining) stay buffered for the next
// one (Next()).
class RequestReader {
 public:
  enum class State {
    kIdle,      // no byte of a request yet (empty lines are skipped)
    kHead,      // inside the request line or header fields
    kHeadDone,  // head() is parsed; the caller checks it, then BeginBody()
    kBody,      // inside the body
    kDone,      // the whole request is here; TakeBody()
    kFailed,    // failure() tells why; the connection cannot be reused
  };

  explicit RequestReader(const RequestLimits& limits);

  // Adds received bytes and parses as far as they allow. In kHeadDone, kDone
  // and kFailed the bytes are only buffered.
  void Append(std::string_view bytes);

  State state() const { return state_; }
  // The parsed head; valid from kHeadDone until Next().
  const RequestHead& head() const { return head_; }
  // Why reading failed; valid in kFailed.
  const RequestFailure& failure() const { return failure_; }

  // In kHeadDone: applies the framing headers (Transfer-Encoding: chunked or
  // Content-Length; both, another coding, a malformed or too large length
  // fail) and reads the body from the bytes already buffered. Moves to
  // kBody, kDone or kFailed.
  void BeginBody();
  // True when the head announced a body (a non-zero Content-Length or
  // chunked coding); valid from BeginBody().
  bool expects_body() const { return expects_body_; }
  // Decoded body bytes received so far.
  size_t body_bytes() const { return body_.size(); }
  // In kDone: the body; leaves it empty.
  std::string TakeBody() { return std::move(body_); }

  // After kDone: starts the next request on the same connection with the
  // bytes already received after this one.
  void Next();
  // Bytes received and not yet part of a parsed request.
  size_t buffered() const { return in_.size() - pos_; }

 private:
  enum class ChunkState { kSize, kData, kDataEnd, kTrailer };

  // Parses the head once its end is buffered; checks the limits meanwhile.
  void ParseHeadSoFar();
  void ParseHead(size_t end);
  void ReadBody();
  void ReadChunked();
  void Fail(int status, std::string code, std::string message);
  // Drops consumed bytes once they are a large part of the buffer.
  void Compact();

  const RequestLimits limits_;
  State state_ = State::kIdle;
  RequestHead head_;
  RequestFailure failure_;

  std::string in_;  // received bytes; in_[0, pos_) are consumed
  size_t pos_ = 0;
  // While in kHead: where the request line ends (0: not yet found) and where
  // the search for the empty line resumes.
  size_t line_end_ = 0;
  size_t scan_ = 0;

  bool expects_body_ = false;
  bool chunked_ = false;
  uint64_t remaining_ = 0;  // Content-Length left, or bytes left in a chunk
  ChunkState chunk_state_ = ChunkState::kSize;
  size_t trailer_bytes_ = 0;  // of the trailer fields so far
  std::string body_;
};

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_REQUEST_READER_H_
