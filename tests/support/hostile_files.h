// Files that crash, stall or exhaust parsers, made on the fly, for tests of
// the upload inspection (and its benchmark).
#ifndef BEIAN_TESTS_SUPPORT_HOSTILE_FILES_H_
#define BEIAN_TESTS_SUPPORT_HOSTILE_FILES_H_

#include <cstdint>
#include <string>

namespace beian::testing {

// A valid PDF of one A4 page followed by `extra` small array objects, with a
// classic cross-reference table.
std::string PdfWithObjects(int extra);

// A valid PDF of one A4 page whose catalog refers to a dictionary of `keys`
// keys (400,000 take seconds to parse, in a few MB).
std::string PdfWithLargeDictionary(int keys);

// A valid PDF of one A4 page that runs a script when opened (/OpenAction of
// /S /JavaScript) and carries a /Launch action: whole and readable, yet no
// archive should keep it.
std::string PdfWithScript();

// Dictionaries nested `depth` deep inside a compressed object stream, which
// no look at the file's bytes can see (200,000 overflow PoDoFo 0.9.8's stack).
std::string PdfNestedInObjectStream(int depth);

// An all-white 8-bit RGB (or, with `alpha`, RGBA) PNG of width × height:
// small on disk, large decoded (an alpha channel is decoded whole).
std::string WhitePng(uint32_t width, uint32_t height, bool alpha = false);

// A PNG whose header declares width × height and which holds no image data.
std::string PngDeclaring(uint32_t width, uint32_t height);

}  // namespace beian::testing

#endif  // BEIAN_TESTS_SUPPORT_HOSTILE_FILES_H_
