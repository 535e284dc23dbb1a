#include "pdf_support.h"

#include <podofo/podofo.h>

#include <mutex>

#include "font_objects.h"
#include "pdf_writer.h"

namespace beian::render {

namespace {

std::mutex& PoDoFoDateLock() {
  static std::mutex mu;
  return mu;
}

}  // namespace

std::unique_ptr<PoDoFo::PdfMemDocument> NewPdfDocument() {
  QuietPoDoFo();
  std::lock_guard<std::mutex> lock(PoDoFoDateLock());
  return std::make_unique<PoDoFo::PdfMemDocument>();
}

void LoadPdfDocument(PoDoFo::PdfMemDocument& doc, std::string_view bytes, bool for_update) {
  std::lock_guard<std::mutex> lock(PoDoFoDateLock());
  doc.LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()), for_update);
}

void QuietPoDoFo() {
  static std::once_flag once;
  std::call_once(once, [] {
    PoDoFo::PdfError::EnableDebug(false);
    PoDoFo::PdfError::EnableLogging(false);
    // The parser sizes its tables by the object count a file declares (8,388,607 allowed by
    // default: a 200-byte file could make it allocate 330 MB).
    PoDoFo::PdfParser::SetMaxObjectCount(kMaxObjects);
  });
}

core::Status Bad(const std::string& zh, const std::string& en) {
  return core::InvalidArgument(zh + " / " + en);
}

core::Result<std::string> DateArgument(const std::string& t, const std::string& what) {
  auto date = PdfDate(t);
  if (date.ok()) return date;
  return Bad(what + " 必须是带时区的 RFC 3339 时间（如 2026-11-27T10:00:00+08:00），而不是“" + t + "”",
             what + " must be an RFC 3339 time with an offset (e.g. 2026-11-27T10:00:00+08:00), not \"" + t + "\"");
}

std::string Matrix(double a, double b, double c, double d, double e, double f) {
  std::string s;
  for (double v : {a, b, c, d, e, f}) {
    AppendNumber(s, v);
    s.push_back(' ');
  }
  s += "cm";
  return s;
}

std::string PoDoFoReason(const PoDoFo::PdfError& e) {
  const char* name = PoDoFo::PdfError::ErrorName(e.GetError());
  const char* text = PoDoFo::PdfError::ErrorMessage(e.GetError());
  std::string s = name != nullptr ? name : "PdfError";
  if (text != nullptr && *text != '\0') s += std::string(": ") + text;
  return s;
}

}  // namespace beian::render
