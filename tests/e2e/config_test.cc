// The serve config as an operator writes it: the shipped default (comment
// lines, every setting at its default) serves, command-line options win over
// it, and a setting beian does not know stops the server with its name.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "process.h"

namespace beian::e2e {
namespace {

using beian::testing::TempDir;

TEST(ServeConfigTest, TheShippedDefaultServesAndTheCommandLineWinsOverIt) {
  TempDir dir;
  // packaging/beian.json says port 8080; --port 0 (BeianServer's) wins.
  BeianServer server(dir.path() + "/var", {"--config", beian::testing::SourceRoot() + "/packaging/beian.json"});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  EXPECT_NE(server.port(), 8080);
  EXPECT_EQ(beian::testing::HttpClient(server.port()).Get("/healthz").status, 200);
}

// The server's own log: one JSON line an event, with its time, level and
// name, from serving to stopped.
TEST(ServeConfigTest, TheServersOwnLogIsJsonLines) {
  TempDir dir;
  BeianServer server(dir.path() + "/var");
  ASSERT_NE(server.port(), 0) << server.Stderr();
  EXPECT_EQ(beian::testing::HttpClient(server.port()).Get("/healthz").status, 200);
  ASSERT_EQ(server.Terminate(), 0) << server.Stderr();
  std::vector<std::string> events;
  std::istringstream lines(server.Stderr());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto event = core::ParseJson(line);
    ASSERT_TRUE(event.ok()) << "not a JSON line: " << line;
    for (const char* key : {"time", "level", "event", "message"}) {
      ASSERT_NE(event->Find(key), nullptr) << key << " in " << line;
    }
    EXPECT_EQ(event->Find("time")->as_string().substr(23), "+08:00") << line;
    events.push_back(event->Find("event")->as_string());
  }
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), "serving");
  EXPECT_EQ(events.back(), "stopped");
  EXPECT_NE(std::find(events.begin(), events.end(), "draining"), events.end());
}

TEST(ServeConfigTest, AnUnknownSettingOrBrokenJsonStopsTheServerNamingIt) {
  TempDir dir;
  const std::string config = dir.File("beian.json");
  {
    std::ofstream out(config);
    out << "// the port is given on the command line\n{\n  // \"host\": \"0.0.0.0\",\n  \"colour\": 1\n}\n";
  }
  beian::testing::ProcessResult r = beian::testing::Run(
      {BeianBinary(), "--data", dir.path() + "/var", "serve", "--port", "0", "--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(config + ": unknown setting \"colour\""), std::string::npos) << r.err;

  {
    std::ofstream out(config);
    out << "// comment\n{\n  \"port\": 8080,\n  \"host\" \"127.0.0.1\"\n}\n";
  }
  r = beian::testing::Run({BeianBinary(), "--data", dir.path() + "/var", "serve", "--port", "0", "--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(config + ": line 4, column"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace beian::e2e
