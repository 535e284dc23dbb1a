#include "font.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

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

namespace {

// An HarfBuzz blob over `bytes`, which `owner` keeps alive as long as the blob lives.
hb_blob_t* BlobOver(std::shared_ptr<const FontFile> owner, std::string_view bytes) {
  auto* keep = new std::shared_ptr<const FontFile>(std::move(owner));
  return hb_blob_create(bytes.data(), static_cast<unsigned>(bytes.size()), HB_MEMORY_MODE_READONLY, keep,
                        [](void* p) { delete static_cast<std::shared_ptr<const FontFile>*>(p); });
}

}  // namespace

void Face::SetWorkingFace(hb_blob_t* blob, unsigned index) {
  working_blob_ = blob;
  working_face_ = hb_face_create(working_blob_, index);
}

core::Result<std::unique_ptr<Face>> Face::Load(const FontFaceSpec& spec, std::shared_ptr<const FontFile> file) {
  const std::string_view bytes = file->bytes();
  if (!spec.sha256.empty() && core::Sha256Hex(bytes) != spec.sha256) {
    return core::FailedPrecondition("font " + spec.id + " (" + spec.file +
                                    "): SHA-256 differs from fonts/manifest.json; "
                                    "a changed font would change every document");
  }
  std::unique_ptr<Face> face(new Face());
  face->id_ = spec.id;
  face->last_resort_ = spec.last_resort;
  hb_blob_t* blob = BlobOver(file, bytes);
  if (spec.index < 0 || static_cast<unsigned>(spec.index) >= hb_face_count(blob)) {
    hb_blob_destroy(blob);
    return core::InvalidArgument("font " + spec.id + ": no face " + std::to_string(spec.index) +
                                 " in " + spec.file);
  }
  // A last-resort face is subset from the file itself (see FontFaceSpec::last_resort).
  if (spec.last_resort) {
    face->SetWorkingFace(blob, static_cast<unsigned>(spec.index));
    BEIAN_RETURN_IF_ERROR(face->ReadTables(face->working_face_, spec));
    return face;
  }
  hb_face_t* original = hb_face_create(blob, static_cast<unsigned>(spec.index));
  hb_blob_destroy(blob);
  const core::Status tables = face->ReadTables(original, spec);
  if (!tables.ok()) {
    hb_face_destroy(original);
    return tables;
  }
  // The working face: every glyph at its original id, without the tables no document
  // embeds. Subsetting from it skips the character map walk of big faces (1.4 ms → 0.03 ms
  // for wqy-zenhei), which would otherwise be paid on every document.
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) {
    hb_face_destroy(original);
    return core::Internal("HarfBuzz: cannot create subset input");
  }
  hb_set_add_range(hb_subset_input_glyph_set(input), 0, static_cast<hb_codepoint_t>(face->advance_.size() - 1));
  DropUnneededTables(input);
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_face_t* working = hb_subset_or_fail(original, input);
  hb_subset_input_destroy(input);
  hb_face_destroy(original);  // the font file is no longer needed
  if (working == nullptr) return core::Internal("HarfBuzz: cannot prepare font " + spec.id);
  face->SetWorkingFace(hb_face_reference_blob(working), 0);
  hb_face_destroy(working);
  return face;
}

core::Status Face::ReadTables(hb_face_t* source, const FontFaceSpec& spec) {
  const unsigned upem = hb_face_get_upem(source);
  const unsigned glyphs = hb_face_get_glyph_count(source);
  if (glyphs == 0 || glyphs > 65535 || upem == 0) {
    return core::InvalidArgument("font " + spec.id + ": not a usable TrueType face");
  }
  char name[128];
  unsigned name_len = sizeof name;
  hb_ot_name_get_utf8(source, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &name_len, name);
  ps_name_.assign(name, name_len);
  if (ps_name_.empty()) ps_name_ = spec.id;
  for (char& c : ps_name_) {
    if (c <= ' ' || c > '~' || c == '/' || c == '(' || c == ')' || c == '[' || c == ']' ||
        c == '<' || c == '>' || c == '{' || c == '}' || c == '%' || c == '#') {
      c = '-';
    }
  }

  hb_font_t* font = hb_font_create(source);
  hb_font_set_scale(font, static_cast<int>(upem), static_cast<int>(upem));
  advance_.resize(glyphs);
  for (unsigned g = 0; g < glyphs; ++g) {
    advance_[g] = static_cast<uint16_t>(To1000(hb_font_get_glyph_h_advance(font, g), upem));
  }
  bmp_.assign(0x10000, 0);
  hb_set_t* unicodes = hb_set_create();
  hb_face_collect_unicodes(source, unicodes);
  hb_codepoint_t cp = HB_SET_VALUE_INVALID;
  while (hb_set_next(unicodes, &cp)) {
    hb_codepoint_t gid = 0;
    if (!hb_font_get_nominal_glyph(font, cp, &gid) || gid == 0 || gid >= glyphs) continue;
    if (cp < 0x10000) {
      bmp_[cp] = static_cast<uint16_t>(gid);
    } else {
      astral_[cp] = static_cast<uint16_t>(gid);
    }
  }
  hb_set_destroy(unicodes);

  hb_position_t ascender = 0, descender = 0, cap = 0;
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &ascender)) {
    ascent_ = To1000(ascender, upem);
  }
  if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &descender)) {
    descent_ = To1000(descender, upem);
  }
  cap_height_ = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) && cap > 0
                    ? To1000(cap, upem)
                    : ascent_;
  hb_font_destroy(font);

  hb_blob_t* head = hb_face_reference_table(source, HB_TAG('h', 'e', 'a', 'd'));
  unsigned head_len = 0;
  const char* h = hb_blob_get_data(head, &head_len);
  if (head_len >= 44) {
    for (int i = 0; i < 4; ++i) bbox_[i] = To1000(ReadInt16(h + 36 + 2 * i), upem);
  }
  hb_blob_destroy(head);
  return core::Status::Ok();
}

namespace {

template <typename T>
void PutRaw(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Reads what Face::Write wrote, every length checked against the bytes there are.
class StoredReader {
 public:
  StoredReader(std::string_view bytes, size_t offset) : bytes_(bytes), pos_(offset) {}
  template <typename T>
  bool Get(T* v) { return Take(v, sizeof *v); }
  bool Take(void* to, size_t n) {
    if (pos_ > bytes_.size() || bytes_.size() - pos_ < n) return false;
    std::memcpy(to, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool View(size_t n, std::string_view* out) {
    if (pos_ > bytes_.size() || bytes_.size() - pos_ < n) return false;
    *out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  void Align(size_t to) { pos_ = (pos_ + to - 1) / to * to; }
  size_t position() const { return pos_; }

 private:
  std::string_view bytes_;
  size_t pos_;
};

constexpr size_t kWorkingFaceAlignment = 16;

}  // namespace

size_t Face::Write(std::string& out) const {
  PutRaw(out, static_cast<uint32_t>(ps_name_.size()));
  out += ps_name_;
  for (int v : {ascent_, descent_, cap_height_, bbox_[0], bbox_[1], bbox_[2], bbox_[3]}) PutRaw(out, static_cast<int32_t>(v));
  PutRaw(out, static_cast<uint32_t>(advance_.size()));
  out.append(reinterpret_cast<const char*>(advance_.data()), advance_.size() * sizeof(uint16_t));
  out.append(reinterpret_cast<const char*>(bmp_.data()), bmp_.size() * sizeof(uint16_t));
  std::vector<std::pair<char32_t, uint16_t>> astral(astral_.begin(), astral_.end());
  std::sort(astral.begin(), astral.end());
  PutRaw(out, static_cast<uint32_t>(astral.size()));
  for (const auto& [cp, gid] : astral) {
    PutRaw(out, static_cast<uint32_t>(cp));
    PutRaw(out, static_cast<uint32_t>(gid));
  }
  unsigned length = 0;
  const char* working = last_resort_ ? nullptr : hb_blob_get_data(working_blob_, &length);
  PutRaw(out, static_cast<uint64_t>(length));
  PutRaw(out, static_cast<uint32_t>(libdeflate_crc32(0, working, length)));
  out.resize((out.size() + kWorkingFaceAlignment - 1) / kWorkingFaceAlignment * kWorkingFaceAlignment, '\0');
  const size_t working_offset = out.size();
  if (length > 0) out.append(working, length);
  return working_offset;
}

core::Result<std::unique_ptr<Face>> Face::Read(const FontFaceSpec& spec, std::shared_ptr<const FontFile> stored,
                                               size_t offset, size_t working_at, std::shared_ptr<const FontFile> file,
                                               PrepareAgain prepare_again) {
  const core::Status damaged = core::Internal("the prepared face " + spec.id + " is damaged");
  std::unique_ptr<Face> face(new Face());
  face->id_ = spec.id;
  face->last_resort_ = spec.last_resort;
  StoredReader in(stored->bytes(), offset);
  uint32_t name_length = 0, glyphs = 0, astral = 0;
  std::string_view name;
  int32_t metrics[7];
  if (!in.Get(&name_length) || !in.View(name_length, &name) || !in.Take(metrics, sizeof metrics) ||
      !in.Get(&glyphs) || glyphs == 0 || glyphs > 65535) {
    return damaged;
  }
  face->ps_name_ = name;
  face->ascent_ = metrics[0];
  face->descent_ = metrics[1];
  face->cap_height_ = metrics[2];
  for (int i = 0; i < 4; ++i) face->bbox_[i] = metrics[3 + i];
  face->advance_.resize(glyphs);
  face->bmp_.resize(0x10000);
  if (!in.Take(face->advance_.data(), glyphs * sizeof(uint16_t)) ||
      !in.Take(face->bmp_.data(), face->bmp_.size() * sizeof(uint16_t)) || !in.Get(&astral) || astral > 0x100000) {
    return damaged;
  }
  for (uint16_t gid : face->bmp_) {
    if (gid >= glyphs) return damaged;  // layout indexes per-glyph tables with it
  }
  face->astral_.reserve(astral);
  for (uint32_t i = 0; i < astral; ++i) {
    uint32_t cp = 0, gid = 0;
    if (!in.Get(&cp) || !in.Get(&gid) || gid == 0 || gid >= glyphs) return damaged;
    face->astral_.emplace(cp, static_cast<uint16_t>(gid));
  }
  uint64_t length = 0;
  uint32_t crc = 0;
  std::string_view working;
  if (!in.Get(&length) || !in.Get(&crc)) return damaged;
  in.Align(kWorkingFaceAlignment);
  if (in.position() != working_at || !in.View(static_cast<size_t>(length), &working)) return damaged;
  if (spec.last_resort != (length == 0)) return damaged;
  if (spec.last_resort) {
    face->SetWorkingFace(BlobOver(file, file->bytes()), static_cast<unsigned>(spec.index));
  } else {
    face->SetWorkingFace(BlobOver(std::move(stored), working), 0);
    face->unchecked_crc_ = crc;
    face->prepare_again_ = std::move(prepare_again);
  }
  return face;
}

core::Result<hb_face_t*> Face::working_face() const {
  std::call_once(working_checked_, [this] {
    if (!unchecked_crc_) return;
    unsigned length = 0;
    const char* bytes = hb_blob_get_data(working_blob_, &length);
    if (libdeflate_crc32(0, bytes, length) == *unchecked_crc_) return;
    auto fresh = prepare_again_ ? prepare_again_() : core::Internal("the prepared face " + id_ + " is damaged");
    if (!fresh.ok()) {
      working_status_ = fresh.status();
      return;
    }
    Face& again = **fresh;
    std::swap(working_blob_, again.working_blob_);
    std::swap(working_face_, again.working_face_);
  });
  if (!working_status_.ok()) return working_status_;
  return working_face_;
}

Face::~Face() {
  hb_face_destroy(working_face_);
  hb_blob_destroy(working_blob_);
}

core::Result<SubsetFont> Subset(const Face& face, const std::vector<uint16_t>& gids) {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) return core::Internal("HarfBuzz: cannot create subset input");
  hb_set_t* glyphs = hb_subset_input_glyph_set(input);
  hb_set_add(glyphs, 0);
  for (uint16_t g : gids) hb_set_add(glyphs, g);
  DropUnneededTables(input);
  auto working = face.working_face();
  if (!working.ok()) {
    hb_subset_input_destroy(input);
    return working.status();
  }
  hb_subset_plan_t* plan = hb_subset_plan_create_or_fail(*working, input);
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
