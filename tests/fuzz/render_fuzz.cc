// Fuzzes data binding and layout: a kind's example.json, edited by the fuzz input, rendered with
// the kind's current template (Engine::Prepare, then Render with that layout). Raw fuzzed bytes
// would almost never be JSON of the right shape, so the input is an edit script:
//
//   byte 0        the kind (modulo the number of kinds); bit 7: also render without the prepared
//                 layout and require the same bytes
//   then ops      each: an op byte, a 2-byte node index (pre-order, modulo the node count; the
//                 root is node 0) and the op's operands
//     0 string    L, then L bytes: the node becomes that string (invalid UTF-8 bytes dropped)
//     1 chars     L, then 3·L bytes: the node becomes a string of L code points, each 24 bits
//                 modulo U+110000 (surrogates become U+FFFD)
//     2 repeat    k: a string node becomes k+2 copies of itself
//     3 grow      k: an array node gets k+1 more elements, copies of its own
//     4 remove    the node leaves its object or array
//     5 scalar    v: the node becomes one of null, true, false, 0, -1, 1.5, 1e308, -1e308,
//                 123456789012345678, "", [], {}
//     6 copy      a 2-byte node index: the node becomes a copy of that node
//     7 word      v: the node becomes one of a list of strings that exercise layout and
//                 formatters (long unbreakable runs, dates, numbers, marks, rare characters)
//
// Every data problem must be a refusal (kInvalidArgument, the message starting with the JSON
// Pointer at fault); anything else — a crash, an exception, another status, a PDF without pages —
// is a finding. Data is capped (nodes, string bytes, depth) so one input stays quick to render.
// BEIAN_FUZZ_DUMP=FILE writes the edited data there before rendering, to replay a finding with
// `beian validate` or `beian render`.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"
#include "beian/core/utf8.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "fuzz_support.h"
#include "process.h"

namespace {

using beian::core::Json;
using beian::fuzz::Check;
using beian::fuzz::Fail;

// Bounds on the edited data, so that one input renders in well under a second.
constexpr size_t kMaxNodes = 3000;
constexpr size_t kMaxStringBytes = 64 * 1024;
constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxOps = 64;

struct Fixture {
  std::unique_ptr<beian::render::Engine> engine;
  std::unique_ptr<beian::render::Catalog> catalog;
  std::vector<const beian::render::Kind*> kinds;
};

const Fixture& LoadFixture() {
  static const Fixture* fixture = [] {
    const std::string root = beian::testing::SourceRoot();
    auto manifest = beian::render::ParseFontManifest(beian::testing::ReadFileOrDie(root + "/fonts/manifest.json"));
    if (!manifest.ok()) Fail("fonts/manifest.json: " + manifest.status().ToString());
    auto engine = beian::render::Engine::Create(*manifest, std::make_shared<beian::render::FileFontSource>());
    if (!engine.ok()) Fail("fonts: " + engine.status().ToString());
    if (beian::core::Status fonts = (*engine)->LoadFonts(); !fonts.ok()) Fail("fonts: " + fonts.ToString());
    auto* out = new Fixture;
    out->engine = std::move(engine).value();
    auto catalog = beian::render::Catalog::Load(root + "/templates", *out->engine);
    if (!catalog.ok()) Fail("templates: " + catalog.status().ToString());
    out->catalog = std::make_unique<beian::render::Catalog>(std::move(catalog).value());
    out->kinds = out->catalog->kinds();
    return out;
  }();
  return *fixture;
}

// Reads the edit script.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool empty() const { return at_ >= bytes_.size(); }
  uint8_t Byte() { return empty() ? 0 : static_cast<uint8_t>(bytes_[at_++]); }
  uint16_t Word() {
    const uint16_t low = Byte();
    return static_cast<uint16_t>(low | (Byte() << 8));
  }
  std::string_view Take(size_t n) {
    const std::string_view out = bytes_.substr(std::min(at_, bytes_.size()), n);
    at_ += out.size();
    return out;
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

// One value of the data, in pre-order, with where it sits.
struct Node {
  Json* value;
  Json* parent;  // nullptr for the root
  size_t index;  // in the parent's elements or members
};

struct Shape {
  std::vector<Node> nodes;
  size_t string_bytes = 0;
  size_t depth = 0;
};

void Walk(Json& value, Json* parent, size_t index, size_t depth, Shape& shape) {
  shape.nodes.push_back({&value, parent, index});
  if (depth > shape.depth) shape.depth = depth;
  if (value.is_string()) shape.string_bytes += value.as_string().size();
  if (value.is_array()) {
    Json::Array& items = value.as_array();
    for (size_t i = 0; i < items.size(); ++i) Walk(items[i], &value, i, depth + 1, shape);
  } else if (value.is_object()) {
    Json::Object& members = value.as_object();
    for (size_t i = 0; i < members.size(); ++i) {
      shape.string_bytes += members[i].first.size();
      Walk(members[i].second, &value, i, depth + 1, shape);
    }
  }
}

Shape ShapeOf(Json& root) {
  Shape shape;
  Walk(root, nullptr, 0, 0, shape);
  return shape;
}

// The valid UTF-8 sequences of `bytes`, other bytes dropped.
std::string ValidUtf8(std::string_view bytes) {
  std::string out;
  size_t at = 0;
  while (at < bytes.size()) {
    size_t len = 1;
    const auto lead = static_cast<uint8_t>(bytes[at]);
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    const std::string_view piece = bytes.substr(at, len);
    if (piece.size() == len && beian::core::IsValidUtf8(piece)) {
      out.append(piece);
      at += len;
    } else {
      ++at;
    }
  }
  return out;
}

Json Scalar(uint8_t v) {
  switch (v % 12) {
    case 0: return Json();
    case 1: return Json(true);
    case 2: return Json(false);
    case 3: return Json(0);
    case 4: return Json(-1);
    case 5: return Json(1.5);
    case 6: return Json(1e308);
    case 7: return Json(-1e308);
    case 8: return Json(int64_t{123456789012345678});
    case 9: return Json("");
    case 10: return Json::MakeArray();
    default: return Json::MakeObject();
  }
}

// Strings that exercise line breaking, fonts, formatters and conditions.
const char* const kWords[] = {
    "",
    " ",
    "\n",
    "\t",
    "\xE3\x80\x80",                        // U+3000 ideographic space
    "是",
    "否",
    "2026-11-27",
    "2026-02-29",
    "2024-02-29",
    "0001-01-01",
    "9999-12-31",
    "2026-11-27T10:00:00+08:00",
    "2026年11月27日",
    "1e308",
    "-0",
    "0.000000001",
    "99999999999999999999",
    "NaN",
    "110105199001011234",
    "11010519900101123X",
    "91110105798516320J",
    "朝阳区",
    "北京市朝阳区住房和城乡建设委员会北京市朝阳区住房和城乡建设委员会北京市朝阳区住房和城乡建设委员会",
    "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
    "ＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷＷ",
    "https://example.com/a/very/long/path/without/any/spaces/at/all/to/break/on/aaaaaaaaaaaaaaaa",
    "e\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81\xCC\x81",  // e and six combining acute accents
    "\xF0\xB0\x80\x80",                                   // U+30000 (Extension G), in no font
    "\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D",               // zero-width space, ZWNJ, ZWJ
    "\xE2\x80\xAE\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7",  // RLO and Arabic
    "\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",    // emoji with a skin tone
    "\xEF\xBF\xBD",                                      // U+FFFD
    "\xEF\xBB\xBF",                                      // U+FEFF
    "（）《》【】——……、，。；：“”‘’",
    "~1/~0",
    "{$number}",
    "<cell>&amp;</cell>",
};

std::string Chars(std::string_view triples) {
  std::string out;
  for (size_t i = 0; i + 3 <= triples.size(); i += 3) {
    char32_t cp = (static_cast<uint8_t>(triples[i]) << 16 | static_cast<uint8_t>(triples[i + 1]) << 8 |
                   static_cast<uint8_t>(triples[i + 2])) %
                  0x110000;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    beian::core::AppendUtf8(out, cp);
  }
  return out;
}

// Applies one op of the script to `root`.
void Apply(Reader& in, Json& root) {
  const uint8_t op = in.Byte() % 8;
  Shape shape = ShapeOf(root);
  const size_t target = in.Word() % shape.nodes.size();
  Json& node = *shape.nodes[target].value;
  switch (op) {
    case 0:
      node = Json(ValidUtf8(in.Take(in.Byte())));
      break;
    case 1:
      node = Json(Chars(in.Take(size_t{3} * in.Byte())));
      break;
    case 2: {
      const size_t copies = in.Byte() + 2u;
      if (!node.is_string()) break;
      std::string s;
      for (size_t i = 0; i < copies && s.size() <= kMaxStringBytes; ++i) s += node.as_string();
      node = Json(std::move(s));
      break;
    }
    case 3: {
      const size_t more = in.Byte() + 1u;
      if (!node.is_array() || node.as_array().empty()) break;
      Json::Array& items = node.as_array();
      const size_t had = items.size();
      for (size_t i = 0; i < more && items.size() <= kMaxNodes; ++i) items.push_back(Json(items[i % had]));
      break;
    }
    case 4: {
      Json* parent = shape.nodes[target].parent;
      const size_t index = shape.nodes[target].index;
      if (parent == nullptr) break;
      if (parent->is_array()) {
        parent->as_array().erase(parent->as_array().begin() + static_cast<std::ptrdiff_t>(index));
      } else {
        parent->as_object().erase(parent->as_object().begin() + static_cast<std::ptrdiff_t>(index));
      }
      break;
    }
    case 5:
      if (target != 0) node = Scalar(in.Byte());
      break;
    case 6: {
      const size_t source = in.Word() % shape.nodes.size();
      if (target == 0) break;
      Json copy = *shape.nodes[source].value;  // deep, before the target (maybe inside it) changes
      node = std::move(copy);
      break;
    }
    default:
      node = Json(kWords[in.Byte() % (sizeof kWords / sizeof kWords[0])]);
      break;
  }
}

bool WithinBounds(Json& root) {
  const Shape shape = ShapeOf(root);
  return shape.nodes.size() <= kMaxNodes && shape.string_bytes <= kMaxStringBytes && shape.depth <= kMaxDepth;
}

void CheckRefusal(const beian::core::Status& status, const char* stage) {
  if (status.code() != beian::core::Code::kInvalidArgument) {
    Fail(std::string(stage) + " failed with other than kInvalidArgument: " + status.ToString());
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  LoadFixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& fixture = LoadFixture();
  Reader in(beian::fuzz::Bytes(data, size));
  const uint8_t head = in.Byte();
  const beian::render::Kind& kind = *fixture.kinds[(head & 0x7F) % fixture.kinds.size()];
  const bool compare_direct = (head & 0x80) != 0;

  Json doc = kind.example;
  for (size_t ops = 0; !in.empty() && ops < kMaxOps; ++ops) {
    Apply(in, doc);
    if (!WithinBounds(doc)) return -1;
  }
  if (const char* dump = std::getenv("BEIAN_FUZZ_DUMP")) {
    std::ofstream(dump, std::ios::binary) << beian::core::WritePrettyJson(doc) << "\n";
  }

  const beian::render::Template& tmpl = *kind.versions.at(kind.current_version);
  beian::render::RenderOptions options;
  options.document_number = kind.number_prefix + "-20261127-FUZZ01";
  options.issued_at = "2026-11-27T10:00:00+08:00";
  options.verification_key = "ABCDEFGHIJKLMNOP";
  beian::render::RenderOptions trial = options;
  trial.document_number = kind.number_prefix + "-20261127-000000";
  trial.verification_key = "0000000000000000";

  beian::core::Result<beian::render::PreparedLayout> prepared = fixture.engine->Prepare(tmpl, doc, trial);
  if (!prepared.ok()) {
    CheckRefusal(prepared.status(), "Prepare");
    return 0;
  }
  beian::core::Result<beian::render::RenderedDocument> rendered =
      fixture.engine->Render(tmpl, doc, options, std::move(prepared).value());
  if (!rendered.ok()) {
    CheckRefusal(rendered.status(), "Render after Prepare");
    return 0;
  }
  Check(rendered->pages >= 1 && rendered->pdf.compare(0, 5, "%PDF-") == 0, "a rendering without pages");
  if (compare_direct) {
    beian::core::Result<beian::render::RenderedDocument> direct = fixture.engine->Render(tmpl, doc, options);
    if (!direct.ok()) Fail("Render fails where Prepare and Render succeeded: " + direct.status().ToString());
    Check(direct->pdf == rendered->pdf, "Render with a prepared layout gives other bytes than without");
  }
  return 0;
}
