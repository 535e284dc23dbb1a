// Fuzzes the upload inspection of PDFs: SniffMediaType and InspectPdf with any bytes, as the
// upload sandbox calls them. InspectPdf runs whatever the sniff says, so its own refusal of
// images and other files is fuzzed too.
#include <cstdint>

#include "beian/render/pdf_tools.h"
#include "fuzz_support.h"
#include "upload_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = beian::fuzz::Bytes(data, size);
  beian::core::Result<std::string> media = beian::render::SniffMediaType(bytes);
  if (!media.ok()) beian::fuzz::CheckUploadRefusal(media.status(), "SniffMediaType");
  beian::fuzz::InspectAsPdf(bytes);
  return 0;
}
