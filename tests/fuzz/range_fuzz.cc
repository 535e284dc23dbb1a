// Fuzzes the Range header parsing of GET /v1/documents/{id}/pdf (api/src/byte_range.h). The
// input's first 5 bytes are the document's size (little-endian), the rest the header's value.
// A range must lie within the document, first <= last, and a "bytes=FIRST-" or "bytes=FIRST-LAST"
// range must start at FIRST.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "byte_range.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  int64_t length = 0;
  for (int i = 4; i >= 0; --i) length = length << 8 | data[i];
  const std::string header(beian::fuzz::Bytes(data + 5, size - 5));
  const std::optional<std::pair<int64_t, int64_t>> range = beian::api::internal::ParseRange(header, length);
  if (!range) return 0;
  beian::fuzz::Check(0 <= range->first && range->first <= range->second && range->second < length,
                     "a range outside the document");
  beian::fuzz::Check(header.compare(0, 6, "bytes=") == 0 && header.find(',') == std::string::npos,
                     "a range from a header that is not one bytes= range");
  if (header.size() > 6 && header[6] != '-') {
    std::string first = header.substr(6, header.find('-') - 6);
    first.erase(0, std::min(first.find_first_not_of('0'), first.size() - 1));  // leading zeros
    beian::fuzz::Check(std::to_string(range->first) == first, "a range that does not start where the header says");
  }
  return 0;
}
