#include "request_reader.h"

#include <algorithm>
#include <istream>
#include <streambuf>

#include "Poco/Exception.h"
#include "Poco/Net/HTTPMessage.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/NetException.h"
#include "url.h"

namespace beian::api::internal {
namespace {

// HTTPRequest::MAX_URI_LENGTH, which Poco 1.11 keeps private.
constexpr size_t kPocoMaxUriLength = 16384;
// A chunk-size line with its extensions.
constexpr size_t kMaxChunkLineBytes = 4096;

// An istream's buffer over bytes that stay where they are.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }
};

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

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// What is wrong with the header fields of a request head (the lines after
// the request line, up to the empty line), or nullptr. Poco trims and
// unfolds leniently; a name with whitespace before its colon, a folded
// line, or a control character in a value is how requests are smuggled past
// a proxy that reads them otherwise (RFC 9112 §5.1, §5.2), and an HTTP/1.1
// request must name exactly one Host (§3.2).
const char* HeaderFieldFault(std::string_view block) {
  size_t at = block.find('\n');
  if (at == std::string_view::npos) return nullptr;
  std::string_view request_line = block.substr(0, at);
  if (!request_line.empty() && request_line.back() == '\r') request_line.remove_suffix(1);
  const bool http11 = request_line.size() >= 8 &&
                      request_line.substr(request_line.size() - 8) == "HTTP/1.1";
  int hosts = 0;
  for (++at; at < block.size();) {
    size_t end = block.find('\n', at);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return "a folded header line";
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return "a header line without a name";
    for (size_t i = 0; i < colon; ++i) {
      if (!IsTokenChar(static_cast<unsigned char>(line[i]))) {
        return "a header name with a character other than a token's (or space before its colon)";
      }
    }
    for (size_t i = colon + 1; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7F) return "a control character in a header value";
    }
    const std::string_view name = line.substr(0, colon);
    if (name.size() == 4 && EqualsIgnoreCase(name, "Host")) ++hosts;
  }
  if (http11 && hosts != 1) return "an HTTP/1.1 request needs exactly one Host header";
  return nullptr;
}

}  // namespace

RequestReader::RequestReader(const RequestLimits& limits) : limits_(limits) {}

void RequestReader::Append(std::string_view bytes) {
  if (state_ == State::kBody && !chunked_ && pos_ == in_.size()) {
    // The common case of a large body: straight into it, copied once.
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(remaining_, bytes.size()));
    body_.append(bytes.data(), take);
    remaining_ -= take;
    bytes.remove_prefix(take);
    if (remaining_ == 0) state_ = State::kDone;
  }
  in_.append(bytes.data(), bytes.size());
  switch (state_) {
    case State::kIdle:
    case State::kHead:
      ParseHeadSoFar();
      break;
    case State::kBody:
      ReadBody();
      break;
    case State::kHeadDone:
    case State::kDone:
    case State::kFailed:
      break;
  }
  Compact();
}

void RequestReader::Fail(int status, std::string code, std::string message) {
  state_ = State::kFailed;
  failure_.status = status;
  failure_.code = std::move(code);
  failure_.message = std::move(message);
}

void RequestReader::ParseHeadSoFar() {
  if (state_ == State::kIdle) {
    // Empty lines before a request line are ignored (RFC 9112 2.2).
    while (pos_ < in_.size() && (in_[pos_] == '\r' || in_[pos_] == '\n')) {
      ++pos_;
    }
    if (pos_ == in_.size()) return;
    state_ = State::kHead;
    line_end_ = 0;
    scan_ = pos_;
  }
  const size_t available = in_.size() - pos_;
  if (line_end_ == 0) {
    const size_t window = std::min(available, limits_.max_line_bytes);
    const size_t from = scan_ - pos_;
    const size_t nl =
        std::string_view(in_).substr(pos_, window).find('\n', from);
    if (nl == std::string_view::npos) {
      if (available >= limits_.max_line_bytes) {
        Fail(414, "url_too_long", "request target too long");
      }
      scan_ = pos_ + window;
      return;
    }
    line_end_ = pos_ + nl + 1;
    scan_ = line_end_;
  }
  // The header block ends with the first line that starts with CR or LF.
  const size_t fields_end =
      std::min(in_.size(), line_end_ + limits_.max_header_bytes);
  while (scan_ < fields_end) {
    const size_t nl = in_.find('\n', scan_);
    if (nl == std::string::npos || nl >= fields_end) break;
    const char first = in_[scan_];
    scan_ = nl + 1;
    if (first == '\r' || first == '\n') {
      ParseHead(scan_);
      return;
    }
  }
  if (in_.size() - line_end_ >= limits_.max_header_bytes) {
    Fail(431, "headers_too_large", "request header fields too large");
  }
}

void RequestReader::ParseHead(size_t end) {
  const std::string_view block(in_.data() + pos_, end - pos_);
  const size_t line_bytes = line_end_ - pos_;
  pos_ = end;
  if (const char* fault = HeaderFieldFault(block)) {
    Fail(400, "bad_request", std::string("malformed HTTP request: ") + fault);
    return;
  }
  ViewBuf buffer(block);
  std::istream stream(&buffer);
  Poco::Net::HTTPRequest request;
  request.setFieldLimit(limits_.max_header_count);
  try {
    request.read(stream);
  } catch (const Poco::Exception& exc) {
    const std::string& message = exc.message();
    // Poco says "URI invalid or too long" for both; only the length tells.
    if (message.find("URI") != std::string::npos &&
        line_bytes >= kPocoMaxUriLength) {
      Fail(414, "url_too_long", "request target too long");
    } else if (message.find("Too many header fields") != std::string::npos ||
               message.find("Field name too long") != std::string::npos ||
               message.find("Field value too long") != std::string::npos) {
      Fail(431, "headers_too_large", "request header fields too large");
    } else {
      Fail(400, "bad_request", "malformed HTTP request");
    }
    return;
  }
  head_.method = request.getMethod();
  head_.uri = request.getURI();
  head_.version = request.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0
                      ? Poco::Net::HTTPMessage::HTTP_1_0
                      : Poco::Net::HTTPMessage::HTTP_1_1;
  head_.keep_alive = request.getKeepAlive();
  head_.headers.clear();
  for (const auto& [name, value] : request) {
    head_.headers.emplace_back(name, value);
  }
  state_ = State::kHeadDone;
}

void RequestReader::BeginBody() {
  if (state_ != State::kHeadDone) return;
  const std::string* transfer = nullptr;
  std::vector<const std::string*> lengths;
  for (const auto& [name, value] : head_.headers) {
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      if (!transfer) transfer = &value;
    } else if (EqualsIgnoreCase(name, "Content-Length")) {
      lengths.push_back(&value);
    }
  }
  body_.clear();
  chunked_ = false;
  remaining_ = 0;
  if (transfer) {
    if (!EqualsIgnoreCase(*transfer, "chunked")) {
      Fail(501, "unsupported_transfer_encoding",
           "only chunked transfer coding is supported");
      return;
    }
    if (!lengths.empty()) {
      Fail(400, "bad_request",
           "Content-Length and Transfer-Encoding must not both be sent");
      return;
    }
    chunked_ = true;
    chunk_state_ = ChunkState::kSize;
    trailer_bytes_ = 0;
  } else if (!lengths.empty()) {
    bool ok = ParseContentLength(*lengths.front(), remaining_);
    for (const std::string* other : lengths) ok = ok && *other == *lengths[0];
    if (!ok) {
      Fail(400, "bad_request", "malformed Content-Length");
      return;
    }
    if (remaining_ > limits_.max_body_bytes) {
      Fail(413, "body_too_large",
           "request body of " + std::to_string(remaining_) +
               " bytes exceeds the limit of " +
               std::to_string(limits_.max_body_bytes) + " bytes");
      return;
    }
    // Address space only: pages are touched as the bytes arrive, and the
    // server bounds the bytes received.
    body_.reserve(remaining_);
  }
  expects_body_ = chunked_ || remaining_ > 0;
  if (!expects_body_) {
    state_ = State::kDone;
    return;
  }
  state_ = State::kBody;
  ReadBody();
  Compact();
}

void RequestReader::ReadBody() {
  if (chunked_) {
    ReadChunked();
    return;
  }
  const size_t take =
      static_cast<size_t>(std::min<uint64_t>(remaining_, in_.size() - pos_));
  body_.append(in_, pos_, take);
  pos_ += take;
  remaining_ -= take;
  if (remaining_ == 0) state_ = State::kDone;
}

void RequestReader::ReadChunked() {
  while (state_ == State::kBody && pos_ < in_.size()) {
    switch (chunk_state_) {
      case ChunkState::kSize: {
        const size_t nl = in_.find('\n', pos_);
        const size_t line =
            (nl == std::string::npos ? in_.size() : nl + 1) - pos_;
        if (line > kMaxChunkLineBytes) {
          Fail(400, "bad_request", "malformed chunked request body");
          return;
        }
        // The size line stays in the buffer until it is whole.
        if (nl == std::string::npos) return;
        std::string_view text(in_.data() + pos_, nl - pos_);
        uint64_t size = 0;
        size_t digits = 0;
        while (digits < text.size() && HexValue(text[digits]) >= 0) {
          size = size * 16 + static_cast<uint64_t>(HexValue(text[digits]));
          if (size > limits_.max_body_bytes) {
            Fail(413, "body_too_large",
                 "chunked request body exceeds the limit of " +
                     std::to_string(limits_.max_body_bytes) + " bytes");
            return;
          }
          ++digits;
        }
        std::string_view rest = text.substr(digits);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) {
          rest.remove_prefix(1);
        }
        const bool ext_ok = rest.empty() || rest == "\r" || rest.front() == ';';
        if (digits == 0 || !ext_ok) {
          Fail(400, "bad_request", "malformed chunked request body");
          return;
        }
        pos_ = nl + 1;
        if (body_.size() + size > limits_.max_body_bytes) {
          Fail(413, "body_too_large",
               "chunked request body exceeds the limit of " +
                   std::to_string(limits_.max_body_bytes) + " bytes");
          return;
        }
        remaining_ = size;
        chunk_state_ = size == 0 ? ChunkState::kTrailer : ChunkState::kData;
        break;
      }
      case ChunkState::kData: {
        const size_t take = static_cast<size_t>(
            std::min<uint64_t>(remaining_, in_.size() - pos_));
        body_.append(in_, pos_, take);
        pos_ += take;
        remaining_ -= take;
        if (remaining_ == 0) chunk_state_ = ChunkState::kDataEnd;
        break;
      }
      case ChunkState::kDataEnd: {
        // CRLF (or a bare LF) after the chunk's data.
        if (in_[pos_] == '\r') {
          if (pos_ + 1 >= in_.size()) return;
          if (in_[pos_ + 1] != '\n') {
            Fail(400, "bad_request", "malformed chunked request body");
            return;
          }
          pos_ += 2;
        } else if (in_[pos_] == '\n') {
          pos_ += 1;
        } else {
          Fail(400, "bad_request", "malformed chunked request body");
          return;
        }
        chunk_state_ = ChunkState::kSize;
        break;
      }
      case ChunkState::kTrailer: {
        // Trailer fields are read and dropped; an empty line ends the body.
        const size_t nl = in_.find('\n', pos_);
        const size_t line =
            (nl == std::string::npos ? in_.size() : nl + 1) - pos_;
        if (trailer_bytes_ + line > limits_.max_header_bytes) {
          Fail(431, "headers_too_large", "request trailer fields too large");
          return;
        }
        if (nl == std::string::npos) return;
        const bool empty =
            in_[pos_] == '\n' || (in_[pos_] == '\r' && nl == pos_ + 1);
        trailer_bytes_ += line;
        pos_ = nl + 1;
        if (empty) state_ = State::kDone;
        break;
      }
    }
  }
}

void RequestReader::Next() {
  if (state_ != State::kDone) return;
  head_ = RequestHead();
  body_.clear();
  expects_body_ = false;
  chunked_ = false;
  remaining_ = 0;
  state_ = State::kIdle;
  ParseHeadSoFar();
  Compact();
}

void RequestReader::Compact() {
  if (pos_ == in_.size()) {
    in_.clear();
    pos_ = 0;
    scan_ = 0;
    line_end_ = 0;
    return;
  }
  // Offsets into the buffer move with the bytes.
  if (pos_ < 16 * 1024 || pos_ < in_.size() / 2) return;
  in_.erase(0, pos_);
  if (state_ == State::kHead) {
    scan_ -= pos_;
    if (line_end_ != 0) line_end_ -= pos_;
  }
  pos_ = 0;
}

}  // namespace beian::api::internal
