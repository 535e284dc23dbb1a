// The layering of DESIGN.md §2, checked on the sources: cli → api → service →
// {render, domain, archive} → core. The edges know only service and core; the
// three peers never include each other; service's public headers expose none
// of its peers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Every "beian/<layer>/..." header a folder's sources include, with where.
std::vector<std::string> IncludesOfLayers(const std::string& folder, const std::set<std::string>& layers) {
  std::vector<std::string> found;
  const fs::path root = fs::path(BEIAN_SOURCE_ROOT) / folder;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(root)) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".cc" && ext != ".h" && ext != ".in")) continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      const size_t include = line.find("#include");
      if (include == std::string::npos) continue;
      const size_t at = line.find("beian/", include);
      if (at == std::string::npos) continue;
      const size_t slash = line.find('/', at + 6);
      if (slash == std::string::npos) continue;
      const std::string layer = line.substr(at + 6, slash - at - 6);
      if (layers.count(layer) != 0) {
        found.push_back(fs::relative(e.path(), BEIAN_SOURCE_ROOT).string() + ":" + std::to_string(n) + ": " + line);
      }
    }
  }
  return found;
}

std::string Lines(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const std::string& l : lines) out << "\n  " << l;
  return out.str();
}

TEST(IncludeRulesTest, EdgesIncludeOnlyServiceAndCore) {
  for (const char* edge : {"api", "cli"}) {
    const std::vector<std::string> found = IncludesOfLayers(edge, {"archive", "render", "domain"});
    EXPECT_TRUE(found.empty()) << edge << "/ reaches past the service:" << Lines(found);
  }
}

TEST(IncludeRulesTest, ServicePublicHeadersExposeNoPeer) {
  const std::vector<std::string> found = IncludesOfLayers("service/include", {"archive", "render", "domain", "api"});
  EXPECT_TRUE(found.empty()) << Lines(found);
}

TEST(IncludeRulesTest, PeersNeverIncludeEachOtherOrWhatIsAbove) {
  const std::map<std::string, std::set<std::string>> forbidden = {
      {"render", {"archive", "domain", "service", "api"}},
      {"domain", {"archive", "render", "service", "api"}},
      {"archive", {"render", "domain", "service", "api"}},
      {"core", {"archive", "render", "domain", "service", "api"}},
      {"service", {"api"}},
  };
  for (const auto& [layer, others] : forbidden) {
    const std::vector<std::string> found = IncludesOfLayers(layer, others);
    EXPECT_TRUE(found.empty()) << layer << "/ includes a layer it may not:" << Lines(found);
  }
}

// The check itself finds an include it should (a rule that finds nothing
// anywhere would pass for the wrong reason).
TEST(IncludeRulesTest, TheScanSeesIncludes) {
  EXPECT_FALSE(IncludesOfLayers("api", {"service"}).empty());
  EXPECT_FALSE(IncludesOfLayers("service/src", {"archive"}).empty());
}

}  // namespace
