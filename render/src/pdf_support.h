// Internals shared by the PDF tools (beian/render/pdf_tools.h): bilingual refusals, date
// arguments, big-endian readers, page geometry, and PoDoFo's quiet mode and error names.
#ifndef BEIAN_RENDER_PDF_SUPPORT_H_
#define BEIAN_RENDER_PDF_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace PoDoFo {
class PdfError;
class PdfMemDocument;
}  // namespace PoDoFo

namespace beian::render {

// The most entries a PDF read by the tools may declare in its cross-reference table (/Size).
// PoDoFo takes about 2.7 KB for every object it loads (docs/uploads.md).
inline constexpr long kMaxObjects = 100000;

// The largest image WrapImage takes, checked from the image's header before anything is
// decoded: pixels (width × height), and pixels a side.
inline constexpr uint64_t kMaxImagePixels = 40000000;
inline constexpr uint32_t kMaxImageSide = 65535;

inline constexpr double kMmToPt = 72.0 / 25.4;
inline constexpr double kA4Short = 210 * kMmToPt;
inline constexpr double kA4Long = 297 * kMmToPt;

// Turns PoDoFo's logging off (it writes to stderr) and caps the object count its parser sizes
// its tables by. Call before any PoDoFo work; idempotent and thread-safe.
void QuietPoDoFo();

// PoDoFo dates every new or loaded document's /Info with localtime(), whose result glibc keeps
// in one buffer for the whole process: a data race between threads, the only one
// ThreadSanitizer finds in PoDoFo 0.9.8 on these paths (the dates are replaced or dropped, so
// output never showed it). Documents are made, and loaded, under one lock.
std::unique_ptr<PoDoFo::PdfMemDocument> NewPdfDocument();
void LoadPdfDocument(PoDoFo::PdfMemDocument& doc, std::string_view bytes, bool for_update);

// A refusal of the input: kInvalidArgument, the problem in Chinese, then in English ("zh / en").
core::Status Bad(const std::string& zh, const std::string& en);

// An RFC 3339 time as a PDF date; a refusal naming the argument `what` when `t` is not one.
core::Result<std::string> DateArgument(const std::string& t, const std::string& what);

inline uint16_t Be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// The content-stream operator "a b c d e f cm".
std::string Matrix(double a, double b, double c, double d, double e, double f);

// PoDoFo's name and text for the error, e.g. "ePdfError_InvalidXRef: …".
std::string PoDoFoReason(const PoDoFo::PdfError& e);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PDF_SUPPORT_H_
