// Font faces, fallback chains and embedding (HarfBuzz, in process).
#ifndef BEIAN_RENDER_FONT_H_
#define BEIAN_RENDER_FONT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "beian/core/status.h"
#include "beian/render/engine.h"

struct hb_face_t;
struct hb_blob_t;

namespace beian::render {

// One loaded face: its character map and advances as flat tables, read once, and the working
// face subsets are cut from. Immutable after loading, so any number of renders may read it at
// once.
class Face {
 public:
  // Prepares the face `spec` names from its font file, whose SHA-256 must be the manifest's.
  static core::Result<std::unique_ptr<Face>> Load(const FontFaceSpec& spec,
                                                  std::shared_ptr<const FontFile> file);
  // Prepares a face again when its stored working face turns out damaged.
  using PrepareAgain = std::function<core::Result<std::unique_ptr<Face>>()>;
  // A face as Write stored it: `stored` holds the bytes Write appended, at `offset`. The working
  // face is checked against its CRC-32 when first needed, and taken from `prepare_again` if it
  // differs. A last-resort face stores no working face: `file` is its font file, whose bytes are
  // that face.
  // `working_at` is the offset Write returned (the working face must start there).
  static core::Result<std::unique_ptr<Face>> Read(const FontFaceSpec& spec,
                                                  std::shared_ptr<const FontFile> stored, size_t offset,
                                                  size_t working_at, std::shared_ptr<const FontFile> file,
                                                  PrepareAgain prepare_again);
  // Appends the prepared face: names, metrics, tables, then (unless last resort) the working
  // face, which starts at an offset of `out` divisible by 16 (Read expects the same of its
  // bytes). Returns that offset: the bytes before it are what Read checks at once.
  size_t Write(std::string& out) const;
  ~Face();

  // Glyph id for a code point, 0 when the face has none.
  uint16_t Glyph(char32_t cp) const {
    if (cp < 0x10000) return bmp_[cp];
    auto it = astral_.find(cp);
    return it == astral_.end() ? 0 : it->second;
  }
  // Advance in PDF glyph space (1/1000 em), rounded: the same number goes into /W.
  int Advance1000(uint16_t gid) const { return gid < advance_.size() ? advance_[gid] : 0; }
  size_t glyph_count() const { return advance_.size(); }

  const std::string& id() const { return id_; }
  const std::string& postscript_name() const { return ps_name_; }
  // Font-wide metrics in 1/1000 em.
  int ascent() const { return ascent_; }
  int descent() const { return descent_; }
  int cap_height() const { return cap_height_; }
  const int* bbox() const { return bbox_; }
  // The face subsets are cut from (all glyphs at their original ids).
  core::Result<hb_face_t*> working_face() const;

 private:
  Face() = default;
  // Makes working_face_ face `index` of `blob` (taken over).
  void SetWorkingFace(hb_blob_t* blob, unsigned index);
  // Names, metrics, advances and character map of `source`.
  core::Status ReadTables(hb_face_t* source, const FontFaceSpec& spec);

  std::string id_;
  std::string ps_name_;
  bool last_resort_ = false;
  // Mutable: a damaged stored working face is replaced when first checked.
  mutable hb_blob_t* working_blob_ = nullptr;
  mutable hb_face_t* working_face_ = nullptr;
  // A stored working face, until working_face() has checked it.
  std::optional<uint32_t> unchecked_crc_;
  PrepareAgain prepare_again_;
  mutable std::once_flag working_checked_;
  mutable core::Status working_status_;
  std::vector<uint16_t> bmp_;
  std::unordered_map<char32_t, uint16_t> astral_;
  std::vector<uint16_t> advance_;
  int ascent_ = 880, descent_ = -120, cap_height_ = 700;
  int bbox_[4] = {0, -120, 1000, 880};
};

// A subset font program and the old → new glyph map it implies.
struct SubsetFont {
  std::string program;                              // TrueType bytes
  std::unordered_map<uint16_t, uint16_t> new_gid;   // original gid → gid in program
};

// The engine's faces and the fallback chain of each role.
struct FontTable {
  std::vector<std::unique_ptr<Face>> faces;
  std::vector<std::string> role_names;
  std::vector<std::vector<int>> roles;  // role index → face indices, first preferred
};

// Subsets a face to the given original glyph ids (hinting dropped). Thread-safe.
core::Result<SubsetFont> Subset(const Face& face, const std::vector<uint16_t>& gids);

// A subset program that stands on its own, for formats that map characters to glyphs through
// the font (OFD): `program` (a Subset's) with a cmap built from `glyphs` (code point → glyph of
// the program; format 4 for the BMP and 12 for all), a version-3 post table and a name table
// naming `family`.
core::Result<std::string> StandaloneFont(const std::string& program,
                                         std::vector<std::pair<char32_t, uint16_t>> glyphs,
                                         const std::string& family);

}  // namespace beian::render

#endif  // BEIAN_RENDER_FONT_H_
