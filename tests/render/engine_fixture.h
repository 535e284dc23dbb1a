// The engine as the program wires it: the source tree's font manifest, fonts from disk; and a
// test suite base that loads it with the source tree's templates once per suite.
#ifndef BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_
#define BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "beian/core/status.h"
#include "beian/core/json.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "process.h"

namespace beian::render {

inline core::Result<std::unique_ptr<Engine>> OpenEngine() {
  BEIAN_ASSIGN_OR_RETURN(FontManifest manifest,
                         ParseFontManifest(testing::ReadFileOrDie(testing::SourceRoot() + "/fonts/manifest.json")));
  return Engine::Create(manifest, std::make_shared<FileFontSource>());
}

// A suite with the engine and every kind of templates/, loaded once for the suite.
class CatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = OpenEngine();
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value().release();
    auto catalog = Catalog::Load(testing::SourceRoot() + "/templates", *engine_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = new Catalog(std::move(catalog).value());
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
    delete engine_;
    engine_ = nullptr;
  }

  // `data` rendered with the kind's current template, a test number, time and key.
  static core::Result<RenderedDocument> RenderKind(const std::string& kind_name, const core::Json& data) {
    const Kind* kind = catalog_->Find(kind_name);
    if (kind == nullptr) return core::NotFound(kind_name);
    RenderOptions options;
    options.document_number = kind->number_prefix + "-20261127-TEST01";
    options.issued_at = "2026-11-27T10:00:00+08:00";
    options.verification_key = "ABCDEFGHIJKLMNOP";
    return engine_->Render(*kind->versions.at(kind->current_version), data, options);
  }

  static inline Engine* engine_ = nullptr;
  static inline Catalog* catalog_ = nullptr;
};

}  // namespace beian::render

#endif  // BEIAN_TESTS_RENDER_ENGINE_FIXTURE_H_
