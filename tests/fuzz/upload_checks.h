// Properties every upload harness checks: what a refusal may be, and that a page WrapImage makes
// passes InspectPdf.
#ifndef BEIAN_TESTS_FUZZ_UPLOAD_CHECKS_H_
#define BEIAN_TESTS_FUZZ_UPLOAD_CHECKS_H_

#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "beian/core/utf8.h"
#include "beian/render/pdf_tools.h"
#include "fuzz_support.h"

namespace beian::fuzz {

// A bad upload is kInvalidArgument with a message; running out of memory is kUnprocessable.
inline void CheckUploadRefusal(const core::Status& status, const char* call) {
  if (status.code() != core::Code::kInvalidArgument && status.code() != core::Code::kUnprocessable) {
    Fail(std::string(call) + " refused with an unexpected code: " + status.ToString());
  }
  Check(!status.message().empty(), "a refusal without a message");
}

// Inspects `bytes` as the upload sandbox does for a PDF.
inline void InspectAsPdf(std::string_view bytes) {
  core::Result<render::PdfFacts> facts = render::InspectPdf(bytes);
  if (!facts.ok()) {
    CheckUploadRefusal(facts.status(), "InspectPdf");
    return;
  }
  Check(facts->pages >= 1, "an accepted PDF without pages");
  Check(!facts->encrypted, "an accepted PDF that is encrypted");
  Check(core::IsValidUtf8(facts->producer), "a producer that is not UTF-8");
  core::Result<std::string> media = render::SniffMediaType(bytes);
  Check(media.ok() && *media == "application/pdf", "an accepted PDF that does not sniff as one");
}

// Wraps `bytes` as the upload sandbox does for an image of `media_type`; the page made must
// itself pass InspectPdf with one page.
inline void WrapAsImage(std::string_view bytes, const std::string& media_type) {
  core::Result<std::string> pdf = render::WrapImage(bytes, media_type, "2026-11-27T10:00:00+08:00");
  if (!pdf.ok()) {
    CheckUploadRefusal(pdf.status(), "WrapImage");
    return;
  }
  core::Result<render::PdfFacts> facts = render::InspectPdf(*pdf);
  if (!facts.ok()) Fail("the page WrapImage made fails InspectPdf: " + facts.status().ToString());
  Check(facts->pages == 1, "the page WrapImage made has other than one page");
}

}  // namespace beian::fuzz

#endif  // BEIAN_TESTS_FUZZ_UPLOAD_CHECKS_H_
