// The engine as the program wires it: the source tree's font manifest, fonts from disk.
#ifndef BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_
#define BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_

#include <memory>

#include "beian/core/status.h"
#include "beian/render/engine.h"
#include "process.h"

namespace beian::render {

inline core::Result<std::unique_ptr<Engine>> OpenEngine() {
  BEIAN_ASSIGN_OR_RETURN(FontManifest manifest,
                         ParseFontManifest(testing::ReadFileOrDie(testing::SourceRoot() + "/fonts/manifest.json")));
  FileFontSource source;
  return Engine::Create(manifest, source);
}

}  // namespace beian::render

#endif  // BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_
