// PDF tools for the archive: inspecting uploaded files, wrapping a scanned image into a PDF
// page, and marked reprints (补打). The PDF library (PoDoFo) stays behind this header.
//
// Every bad upload is refused with kInvalidArgument and a message in Chinese and English that
// names what is wrong, e.g. "PDF 文件不完整（被截断）/ truncated PDF: …". Nothing here reads the
// clock or the locale: dates come in as RFC 3339 arguments, and equal inputs give equal bytes.
#ifndef BEIAN_RENDER_PDF_TOOLS_H_
#define BEIAN_RENDER_PDF_TOOLS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::render {

// The largest upload the tools read (256 MiB); larger input is refused before parsing.
inline constexpr size_t kMaxUploadBytes = size_t{256} << 20;

// What InspectPdf found in an acceptable PDF.
struct PdfFacts {
  int pages = 0;          // leaves of the page tree, counted by walking it
  std::string producer;   // the Info dictionary's /Producer in UTF-8, empty when absent
  bool encrypted = false; // always false: an encrypted PDF is refused, never inspected
};

// Inspects an uploaded PDF held in memory: every object must parse, every Flate stream must
// inflate, the page tree must hold at least one page. Refused with kInvalidArgument: empty
// input, input over kMaxUploadBytes, anything not a PDF (a JPEG or PNG is named as such),
// a truncated file (no %%EOF/startxref at the end), an encrypted file (any password, any
// algorithm), a corrupt file (the message says what failed to parse), a cross-reference
// table of more than 100,000 entries (refused from the trailer, before anything is parsed).
// Bounded work: objects, page-tree nodes and inflated bytes are capped. Memory running out
// while reading is kUnprocessable (a limit of the reader, not a verdict on the file).
core::Result<PdfFacts> InspectPdf(std::string_view bytes);

// What ExaminePdf found: what a long-term archive must know of a PDF it keeps (DA/T 70-2018
// 可用性 and 安全性).
struct PdfExamination {
  bool encrypted = false;   // an /Encrypt dictionary: nothing else is examined then
  int pages = 0;
  bool javascript = false;  // a /JS entry, a /JavaScript name tree or an action of /S /JavaScript
  bool launch = false;      // an action of /S /Launch (runs a program)
  int fonts = 0;            // font dictionaries
  int fonts_without_unicode = 0;  // composite (Type0) fonts lacking /ToUnicode: no text extracts
};

// Examines a PDF held by the archive: whether it is encrypted (then nothing more), every check
// of InspectPdf (a truncated or corrupt file is refused the same way, kInvalidArgument), then
// every object for scripts, launch actions and fonts whose text cannot be extracted.
core::Result<PdfExamination> ExaminePdf(std::string_view bytes);

// What an upload is, by its bytes (not its name): "application/pdf", "image/jpeg" or
// "image/png"; empty input and anything else → kInvalidArgument.
core::Result<std::string> SniffMediaType(std::string_view bytes);

// Wraps a scanned image into a one-page A4 PDF: portrait or landscape as the image is, the
// image scaled to fit inside 10 mm margins and centred.
//  - JPEG: embedded as it is (DCTDecode, no re-encoding); gray, RGB or CMYK; baseline or
//    progressive (at most 100 scans); the Exif orientation is honoured. Its image data is
//    decoded first (libjpeg-turbo), so corrupt or truncated data is refused.
//  - PNG: decoded whole by libpng first. Gray, RGB and palette images without transparency,
//    not interlaced, then pass their IDAT data through at their bit depth as FlateDecode with
//    PNG predictors; any other image becomes 8-bit gray or RGB, its alpha channel or tRNS
//    transparency an SMask (dropped when fully opaque).
// Images over 40 megapixels, or 65535 pixels a side, and PNGs over 128 MiB of decoded samples
// (an alpha plane included) are refused from their header, before anything is decoded.
// `media_type` must be what SniffMediaType says of the bytes. `created_at` (RFC 3339, may be
// empty) becomes CreationDate and ModDate; without it the PDF carries no date. The Info
// /Subject records the media type and the SHA-256 of `image`. Corrupt or truncated images,
// unsupported kinds (lossless or arithmetic JPEG, 12-bit JPEG) → kInvalidArgument.
core::Result<std::string> WrapImage(std::string_view image, const std::string& media_type,
                                    const std::string& created_at);

// Marked reprints are made by Engine::StampReprint (beian/render/engine.h), which uses the
// engine's fonts:
//
//   core::Result<std::string> Engine::StampReprint(std::string_view original,
//                                                  const std::vector<std::string>& lines,
//                                                  const std::string& at) const;
//
// The result is an incremental update: it starts with `original` byte for byte (so the
// original's SHA-256 still verifies over that prefix) and adds, on every page, a red box at the
// top right holding `lines` (the first set larger, e.g. "补打", then "补打日期：2026年11月27日",
// "操作人：张三", "原件 SHA-256：…"), in subset CJK fonts with a ToUnicode map. `at` (RFC 3339)
// becomes the ModDate. The original must pass InspectPdf; a character no font of the "hei"
// role (else "song") has, or a stamp taller than the page, → kInvalidArgument.

// The name under which a PDF/A document embeds the data it was rendered from (canonical JSON,
// /AFRelationship /Source).
inline constexpr char kSourceDataFile[] = "data.json";

// The data a beian PDF/A document embeds (kSourceDataFile), decoded; kNotFound when the PDF embeds
// none (a document rendered before PDF/A); kInvalidArgument when the bytes are no readable PDF.
core::Result<std::string> EmbeddedSourceData(std::string_view pdf);

// One rule of ISO 19005-3 (PDF/A-3) a file breaks: the clause ("6.1.9") and what was found.
struct PdfAFinding {
  std::string clause;
  std::string message;
};

// What CheckPdfA found. docs/pdfa.md lists the rules checked, with their clauses, and those not.
struct PdfAReport {
  std::string part;         // pdfaid:part of the XMP metadata ("" when absent)
  std::string conformance;  // pdfaid:conformance ("" when absent)
  std::vector<PdfAFinding> findings;      // at most 5 per clause, then "… and more"
  std::vector<std::string> not_checked;   // parts of this file the checker could not reach
  bool conforms() const { return findings.empty() && not_checked.empty(); }
};

// Checks a PDF against the rules of PDF/A-3 (ISO 19005-3) that validators most often find
// broken: file structure (6.1.2–6.1.13), output intent and colour (6.2.3, 6.2.4.3), content
// operators (6.2.2), fonts and every glyph shown (6.2.11: embedding, widths, ToUnicode, .notdef),
// annotations and actions (6.3–6.5), XMP metadata and its extension schemas (6.6), associated
// files (6.8) and the catalog (6.9–6.11). A file that cannot be read at all is refused as by
// InspectPdf (kInvalidArgument), with the same bounded work.
core::Result<PdfAReport> CheckPdfA(std::string_view bytes);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PDF_TOOLS_H_
