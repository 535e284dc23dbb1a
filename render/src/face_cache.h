// Prepared faces kept between processes (EngineOptions::face_cache).
//
// One file per face, "<face id>-<first 16 hex digits of the font's SHA-256>.face":
//   "beian-face 1\n" | CRC-32 (4 bytes) | key length (4) | end of the CRC's span (8) | key |
//   Face::Write's bytes (native byte order: the cache belongs to one machine).
// The CRC spans from the key length to the start of the working face and is checked on load;
// the working face has its own CRC, checked when the face is first subset (a one-page letter
// draws from one or two of the six faces, and touching all 38 MB costs ~25 ms here).
// The key is text naming what the face was prepared from and by: the font's SHA-256 as the
// manifest gives it, the face index, EngineVersion() and the font file's identity (FontSource::
// Identity) when its SHA-256 was checked. A file whose key differs is stale; one whose CRC or
// structure does not hold is damaged; either is prepared again from the font file and replaced.
// Files are written to a temporary name and renamed, so a reader sees a whole file or none.
#ifndef BEIAN_RENDER_FACE_CACHE_H_
#define BEIAN_RENDER_FACE_CACHE_H_

#include <memory>
#include <string>

#include "beian/core/status.h"
#include "beian/render/engine.h"
#include "font.h"

namespace beian::render {

// The face `spec` names: from the cache in `cache_dir` when a sound entry for it is there,
// else prepared from the font file and, when `cache_dir` is not empty, stored there. Failing to
// store does not fail the load: the next process prepares the face again.
core::Result<std::unique_ptr<Face>> LoadFace(const FontFaceSpec& spec, std::shared_ptr<FontSource> source,
                                             const std::string& cache_dir);

}  // namespace beian::render

#endif  // BEIAN_RENDER_FACE_CACHE_H_
