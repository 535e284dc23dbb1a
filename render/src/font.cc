#include "font.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "beian/core/digest.h"

namespace beian::render {
namespace {

int To1000(int units, unsigned upem) {
  return static_cast<int>(std::lround(units * 1000.0 / upem));
}

// Tables a CIDFontType2 program does not need: the PDF maps CIDs to glyphs itself, layout
// tables and hinting are unused, and names and metrics are in the font dictionaries.
void DropUnneededTables(hb_subset_input_t* input) {
  hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (hb_tag_t tag : {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
                       HB_TAG('G', 'D', 'E', 'F'), HB_TAG('B', 'A', 'S', 'E'),
                       HB_TAG('J', 'S', 'T', 'F'), HB_TAG('m', 'o', 'r', 'x'),
                       HB_TAG('k', 'e', 'r', 'n'), HB_TAG('v', 'h', 'e', 'a'),
                       HB_TAG('v', 'm', 't', 'x'), HB_TAG('E', 'B', 'D', 'T'),
                       HB_TAG('E', 'B', 'L', 'C'), HB_TAG('E', 'B', 'S', 'C'),
                       HB_TAG('g', 'a', 's', 'p'), HB_TAG('V', 'D', 'M', 'X'),
                       HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
                       HB_TAG('D', 'S', 'I', 'G'), HB_TAG('P', 'C', 'L', 'T'),
                       HB_TAG('c', 'm', 'a', 'p'), HB_TAG('p', 'o', 's', 't'),
                       HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2')}) {
    hb_set_add(drop, tag);
  }
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
}

int16_t ReadInt16(const char* p) {
  return static_cast<int16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}

}  // namespace

core::Result<std::unique_ptr<Face>> Face::Load(const FontFaceSpec& spec, std::string bytes) {
  if (!spec.sha256.empty() && core::Sha256Hex(bytes) != spec.sha256) {
    return core::FailedPrecondition("font " + spec.id + " (" + spec.file +
                                    "): SHA-256 differs from fonts/manifest.json; "
                                    "a changed font would change every document");
  }
  std::unique_ptr<Face> face(new Face());
  face->id_ = spec.id;
  face->bytes_ = std::move(bytes);
  face->blob_ = hb_blob_create(face->bytes_.data(), static_cast<unsigned>(face->bytes_.size()),
                               HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  if (spec.index < 0 || static_cast<unsigned>(spec.index) >= hb_face_count(face->blob_)) {
    return core::InvalidArgument("font " + spec.id + ": no face " + std::to_string(spec.index) +
                                 " in " + spec.file);
  }
  face->face_ = hb_face_create(face->blob_, static_cast<unsigned>(spec.index));
  const unsigned upem = hb_face_get_upem(face->face_);
  const unsigned glyphs = hb_face_get_glyph_count(face->face_);
  if (glyphs == 0 || glyphs > 65535 || upem == 0) {
    return core::InvalidArgument("font " + spec.id + ": not a usable TrueType face");
  }

  char name[128];
  unsigned name_len = sizeof name;
  hb_ot_name_get_utf8(face->face_, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &name_len,
                      name);
  face->ps_name_.assign(name, name_len);
  if (face->ps_name_.empty()) face->ps_name_ = spec.id;
  for (char& c : face->ps_name_) {
    if (c <= ' ' || c > '~' || c == '/' || c == '(' || c == ')' || c == '[' || c == ']' ||
        c == '<' || c == '>' || c == '{' || c == '}' || c == '%' || c == '#') {
      c = '-';
    }
  }

  hb_font_t* font = hb_font_create(face->face_);
  hb_font_set_scale(font, static_cast<int>(upem), static_cast<int>(upem));
  face->advance_.resize(glyphs);
  for (unsigned g = 0; g < glyphs; ++g) {
    face->advance_[g] = static_cast<uint16_t>(To1000(hb_font_get_glyph_h_advance(font, g), upem));
  }
  face->bmp_.assign(0x10000, 0);
  hb_set_t* unicodes = hb_set_create();
  hb_face_collect_unicodes(face->face_, unicodes);
  hb_codepoint_t cp = HB_SET_VALUE_INVALID;
  while (hb_set_next(unicodes, &cp)) {
    hb_codepoint_t gid = 0;
    if (!hb_font_get_nominal_glyph(font, cp, &gid) || gid == 0 || gid >= glyphs) continue;
    if (cp < 0x10000) {
      face->bmp_[cp] = static_cast<uint16_t>(gid);
    } else {
      face->astral_[cp] = static_cast<uint16_t>(gid);
    }
  }
  hb_set_destroy(unicodes);

  hb_position_t ascender = 0, descender = 0, cap = 0;
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &ascender)) {
    face->ascent_ = To1000(ascender, upem);
  }
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &descender)) {
    face->descent_ = To1000(descender, upem);
  }
  face->cap_height_ = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) && cap > 0
                          ? To1000(cap, upem)
                          : face->ascent_;
  hb_font_destroy(font);

  hb_blob_t* head = hb_face_reference_table(face->face_, HB_TAG('h', 'e', 'a', 'd'));
  unsigned head_len = 0;
  const char* h = hb_blob_get_data(head, &head_len);
  if (head_len >= 44) {
    for (int i = 0; i < 4; ++i) face->bbox_[i] = To1000(ReadInt16(h + 36 + 2 * i), upem);
  }
  hb_blob_destroy(head);

  // A last-resort face is subset from the file itself (see FontFaceSpec::last_resort).
  if (spec.last_resort) {
    face->working_face_ = hb_face_reference(face->face_);
    return face;
  }
  // The working face: every glyph at its original id, without the tables no document
  // embeds. Subsetting from it skips the character map walk of big faces (1.4 ms → 0.03 ms
  // for wqy-zenhei), which would otherwise be paid on every document.
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) return core::Internal("HarfBuzz: cannot create subset input");
  hb_set_add_range(hb_subset_input_glyph_set(input), 0, glyphs - 1);
  DropUnneededTables(input);
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_face_t* working = hb_subset_or_fail(face->face_, input);
  hb_subset_input_destroy(input);
  if (working == nullptr) return core::Internal("HarfBuzz: cannot prepare font " + spec.id);
  face->working_blob_ = hb_face_reference_blob(working);
  hb_face_destroy(working);
  face->working_face_ = hb_face_create(face->working_blob_, 0);
  // The original file is no longer needed.
  hb_face_destroy(face->face_);
  hb_blob_destroy(face->blob_);
  face->face_ = nullptr;
  face->blob_ = nullptr;
  std::string().swap(face->bytes_);
  return face;
}

Face::~Face() {
  hb_face_destroy(working_face_);
  hb_blob_destroy(working_blob_);
  hb_face_destroy(face_);
  hb_blob_destroy(blob_);
}

core::Result<SubsetFont> Subset(const Face& face, const std::vector<uint16_t>& gids) {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) return core::Internal("HarfBuzz: cannot create subset input");
  hb_set_t* glyphs = hb_subset_input_glyph_set(input);
  hb_set_add(glyphs, 0);
  for (uint16_t g : gids) hb_set_add(glyphs, g);
  DropUnneededTables(input);
  hb_subset_plan_t* plan = hb_subset_plan_create_or_fail(face.working_face(), input);
  hb_subset_input_destroy(input);
  if (plan == nullptr) return core::Internal("HarfBuzz: cannot plan subset of " + face.id());
  SubsetFont out;
  const hb_map_t* mapping = hb_subset_plan_old_to_new_glyph_mapping(plan);
  out.new_gid.reserve(gids.size() + 1);
  for (uint16_t g : gids) {
    hb_codepoint_t n = hb_map_get(mapping, g);
    if (n == HB_MAP_VALUE_INVALID) {
      hb_subset_plan_destroy(plan);
      return core::Internal("HarfBuzz: glyph lost in subset of " + face.id());
    }
    out.new_gid.emplace(g, static_cast<uint16_t>(n));
  }
  hb_face_t* result = hb_subset_plan_execute_or_fail(plan);
  hb_subset_plan_destroy(plan);
  if (result == nullptr) return core::Internal("HarfBuzz: subset of " + face.id() + " failed");
  hb_blob_t* blob = hb_face_reference_blob(result);
  unsigned len = 0;
  const char* data = hb_blob_get_data(blob, &len);
  out.program.assign(data, len);
  hb_blob_destroy(blob);
  hb_face_destroy(result);
  return out;
}

namespace {

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}

void Put32(std::string& out, uint32_t v) {
  Put16(out, v >> 16);
  Put16(out, v & 0xFFFF);
}

// cmap with a format 4 subtable (3,1) for the BMP and a format 12 subtable (3,10) for all.
std::string CmapTable(const std::vector<std::pair<char32_t, uint16_t>>& glyphs) {
  std::string f4;
  std::vector<std::pair<char32_t, uint16_t>> bmp;
  for (const auto& g : glyphs) {
    if (g.first < 0xFFFF) bmp.push_back(g);
  }
  const uint32_t segments = static_cast<uint32_t>(bmp.size()) + 1;
  uint32_t power = 1, log2 = 0;
  while (power * 2 <= segments) {
    power *= 2;
    ++log2;
  }
  Put16(f4, 4);
  Put16(f4, 16 + 8 * segments);
  Put16(f4, 0);
  Put16(f4, 2 * segments);
  Put16(f4, 2 * power);
  Put16(f4, log2);
  Put16(f4, 2 * segments - 2 * power);
  for (const auto& g : bmp) Put16(f4, g.first);
  Put16(f4, 0xFFFF);
  Put16(f4, 0);  // reservedPad
  for (const auto& g : bmp) Put16(f4, g.first);
  Put16(f4, 0xFFFF);
  for (const auto& g : bmp) Put16(f4, (static_cast<uint32_t>(g.second) - g.first) & 0xFFFF);
  Put16(f4, 1);
  for (uint32_t i = 0; i < segments; ++i) Put16(f4, 0);  // idRangeOffset

  std::string f12;
  std::vector<std::array<uint32_t, 3>> groups;
  for (const auto& g : glyphs) {
    if (!groups.empty() && groups.back()[1] + 1 == g.first &&
        groups.back()[2] + (groups.back()[1] - groups.back()[0]) + 1 == g.second) {
      groups.back()[1] = g.first;
    } else {
      groups.push_back({g.first, g.first, g.second});
    }
  }
  Put16(f12, 12);
  Put16(f12, 0);
  Put32(f12, 16 + 12 * static_cast<uint32_t>(groups.size()));
  Put32(f12, 0);
  Put32(f12, static_cast<uint32_t>(groups.size()));
  for (const auto& g : groups) {
    Put32(f12, g[0]);
    Put32(f12, g[1]);
    Put32(f12, g[2]);
  }
  std::string cmap;
  Put16(cmap, 0);
  Put16(cmap, 2);
  Put16(cmap, 3);
  Put16(cmap, 1);
  Put32(cmap, 4 + 16);
  Put16(cmap, 3);
  Put16(cmap, 10);
  Put32(cmap, 4 + 16 + static_cast<uint32_t>(f4.size()));
  return cmap + f4 + f12;
}

std::string PostTable() {
  std::string post;
  Put32(post, 0x00030000);  // version 3: no glyph names
  Put32(post, 0);           // italicAngle
  Put16(post, static_cast<uint32_t>(-100) & 0xFFFF);  // underlinePosition
  Put16(post, 50);          // underlineThickness
  for (int i = 0; i < 5; ++i) Put32(post, 0);  // isFixedPitch, memory hints
  return post;
}

std::string NameTable(const std::string& family) {
  // Windows, Unicode BMP, en-US; the ASCII of the family name as UTF-16BE.
  std::string utf16;
  for (char c : family) Put16(utf16, static_cast<unsigned char>(c));
  std::string regular;
  for (char c : std::string("Regular")) Put16(regular, static_cast<unsigned char>(c));
  const std::vector<std::pair<uint16_t, const std::string*>> records = {
      {1, &utf16}, {2, &regular}, {4, &utf16}, {6, &utf16}};
  std::string name, strings;
  Put16(name, 0);
  Put16(name, static_cast<uint32_t>(records.size()));
  Put16(name, 6 + 12 * static_cast<uint32_t>(records.size()));
  for (const auto& [id, text] : records) {
    Put16(name, 3);
    Put16(name, 1);
    Put16(name, 0x0409);
    Put16(name, id);
    Put16(name, static_cast<uint32_t>(text->size()));
    Put16(name, static_cast<uint32_t>(strings.size()));
    strings += *text;
  }
  return name + strings;
}

}  // namespace

core::Result<std::string> StandaloneFont(const std::string& program,
                                         std::vector<std::pair<char32_t, uint16_t>> glyphs,
                                         const std::string& family) {
  std::sort(glyphs.begin(), glyphs.end());
  hb_blob_t* blob = hb_blob_create(program.data(), static_cast<unsigned>(program.size()),
                                   HB_MEMORY_MODE_READONLY, nullptr, nullptr);
  hb_face_t* face = hb_face_create(blob, 0);
  hb_face_t* builder = hb_face_builder_create();
  hb_tag_t tags[64];
  unsigned count = 64;
  hb_face_get_table_tags(face, 0, &count, tags);
  for (unsigned i = 0; i < count; ++i) {
    if (tags[i] == HB_TAG('c', 'm', 'a', 'p') || tags[i] == HB_TAG('p', 'o', 's', 't') ||
        tags[i] == HB_TAG('n', 'a', 'm', 'e')) {
      continue;
    }
    hb_blob_t* table = hb_face_reference_table(face, tags[i]);
    hb_face_builder_add_table(builder, tags[i], table);
    hb_blob_destroy(table);
  }
  const std::string cmap = CmapTable(glyphs), post = PostTable(), name = NameTable(family);
  for (const auto& [tag, bytes] : {std::pair{HB_TAG('c', 'm', 'a', 'p'), &cmap},
                                   std::pair{HB_TAG('p', 'o', 's', 't'), &post},
                                   std::pair{HB_TAG('n', 'a', 'm', 'e'), &name}}) {
    hb_blob_t* table = hb_blob_create(bytes->data(), static_cast<unsigned>(bytes->size()),
                                      HB_MEMORY_MODE_DUPLICATE, nullptr, nullptr);
    hb_face_builder_add_table(builder, tag, table);
    hb_blob_destroy(table);
  }
  hb_blob_t* built = hb_face_reference_blob(builder);
  unsigned length = 0;
  const char* data = hb_blob_get_data(built, &length);
  std::string out(data, length);
  hb_blob_destroy(built);
  hb_face_destroy(builder);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  if (out.empty()) return core::Internal("HarfBuzz: cannot build the font for " + family);
  return out;
}

}  // namespace beian::render
