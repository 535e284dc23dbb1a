// Fuzzes the PDF/A checker (beian pdfa check) with any bytes: a file it cannot read is refused as
// InspectPdf refuses an upload, anything it reads gets a report whose findings all name a clause
// of ISO 19005-3; never a crash or a hang (its reading is bounded by the file's size).
#include <cstdint>

#include "beian/core/utf8.h"
#include "beian/render/pdf_tools.h"
#include "fuzz_support.h"
#include "upload_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = beian::fuzz::Bytes(data, size);
  beian::core::Result<beian::render::PdfAReport> report = beian::render::CheckPdfA(bytes);
  if (!report.ok()) {
    beian::fuzz::CheckUploadRefusal(report.status(), "CheckPdfA");
    return 0;
  }
  for (const beian::render::PdfAFinding& f : report->findings) {
    beian::fuzz::Check(!f.clause.empty() && f.clause[0] == '6' && f.clause[1] == '.', "a finding without a clause");
    beian::fuzz::Check(beian::core::IsValidUtf8(f.message), "a finding that is not UTF-8");
  }
  beian::fuzz::Check(beian::core::IsValidUtf8(report->part + report->conformance), "pdfaid that is not UTF-8");
  return 0;
}
