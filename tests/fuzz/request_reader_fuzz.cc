// Fuzzes the incremental HTTP request reader (api/src/request_reader.h) on the bytes of one
// connection, pipelined requests included. The same bytes are read twice: appended all at once,
// and in small pieces; both readings must see the same requests (heads and bodies) and end the
// same way, which is what "pieces of any size" promises.
//
//   byte 0   bit 0: small limits (64-byte line, 256 bytes of fields, 8 fields, 1 KiB body)
//            instead of the server's defaults
//   byte 1   the seed of the piece sizes (0: one byte at a time)
//   rest     the bytes the client sends
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "request_reader.h"

namespace {

using beian::api::internal::RequestLimits;
using beian::api::internal::RequestReader;

// A request is at most 1 KiB or 20 MB here; this bounds the requests per connection.
constexpr int kMaxRequests = 1000;

// Everything the reader reported, as text, one event per line.
class Transcript {
 public:
  explicit Transcript(const RequestLimits& limits) : reader_(limits) {}

  void Append(std::string_view bytes) {
    reader_.Append(bytes);
    Drive();
  }

  std::string Finish() const {
    return events_ + "end in state " + std::to_string(static_cast<int>(reader_.state())) + "\n";
  }

 private:
  // Moves the reader on as a connection would: checks each head, reads each body, starts the next.
  void Drive() {
    for (int n = 0; n < kMaxRequests; ++n) {
      switch (reader_.state()) {
        case RequestReader::State::kHeadDone: {
          const auto& head = reader_.head();
          events_ += "head " + head.method + " " + head.uri + " " + head.version +
                     (head.keep_alive ? " keep-alive" : " close") + "\n";
          for (const auto& [name, value] : head.headers) events_ += "  " + name + ": " + value + "\n";
          reader_.BeginBody();
          break;
        }
        case RequestReader::State::kDone:
          events_ += "body " + std::to_string(reader_.body_bytes()) + " " + reader_.TakeBody() + "\n";
          reader_.Next();
          break;
        case RequestReader::State::kFailed:
          if (!failed_) {
            events_ += "failed " + std::to_string(reader_.failure().status) + " " + reader_.failure().code + "\n";
            failed_ = true;
          }
          return;
        default:
          return;
      }
    }
  }

  RequestReader reader_;
  std::string events_;
  bool failed_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  RequestLimits limits;
  if ((data[0] & 1) != 0) {
    limits.max_line_bytes = 64;
    limits.max_header_bytes = 256;
    limits.max_header_count = 8;
    limits.max_body_bytes = 1024;
  }
  const std::string_view bytes = beian::fuzz::Bytes(data + 2, size - 2);

  Transcript whole(limits);
  whole.Append(bytes);

  Transcript pieces(limits);
  uint32_t seed = data[1];
  for (size_t at = 0; at < bytes.size();) {
    seed = seed * 1103515245u + 12345u;
    const size_t n = data[1] == 0 ? 1 : 1 + (seed >> 16) % 17;
    pieces.Append(bytes.substr(at, n));
    at += n;
  }

  const std::string a = whole.Finish();
  const std::string b = pieces.Finish();
  if (a != b) beian::fuzz::Fail("read whole:\n" + a + "read in pieces:\n" + b);
  return 0;
}
