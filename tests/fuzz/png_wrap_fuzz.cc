// Fuzzes the upload inspection of PNG scans: bytes that SniffMediaType calls image/png are
// wrapped into a page with WrapImage, as the upload sandbox does; the page must pass InspectPdf.
#include <cstdint>

#include "beian/render/pdf_tools.h"
#include "fuzz_support.h"
#include "upload_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = beian::fuzz::Bytes(data, size);
  beian::core::Result<std::string> media = beian::render::SniffMediaType(bytes);
  if (!media.ok() || *media != "image/png") return 0;
  beian::fuzz::WrapAsImage(bytes, *media);
  return 0;
}
