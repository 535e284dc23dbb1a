// Fuzzes the multipart/form-data reading of scan uploads (api/src/multipart.h). The input is the
// Content-Type header's value up to the first line feed, then the body.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "beian/api/request.h"
#include "fuzz_support.h"
#include "multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = beian::fuzz::Bytes(data, size);
  const size_t nl = input.find('\n');
  beian::api::Request req;
  req.set_method("POST");
  req.AddHeader("Content-Type", std::string(input.substr(0, nl)));
  if (nl != std::string_view::npos) req.set_body(std::string(input.substr(nl + 1)));
  std::string error;
  const std::optional<beian::api::internal::Upload> upload = beian::api::internal::ReadMultipart(req, &error);
  if (!upload) {
    beian::fuzz::Check(!error.empty(), "a refused multipart body without a reason");
    return 0;
  }
  beian::fuzz::Check(upload->bytes.size() <= req.body().size(), "a part larger than the body");
  beian::fuzz::Check(req.body().find(upload->bytes) != std::string::npos, "a part that is not in the body");
  return 0;
}
