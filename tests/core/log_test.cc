// The server's own log: one JSON line an event, its time, level and event
// name first, ID numbers masked in the message and in every field.
#include "beian/core/log.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "beian/core/json.h"

namespace beian::core {
namespace {

TEST(LogTest, AnEventIsOneJsonLineWithItsTimeLevelAndNameFirst) {
  const std::string line = FormatLogLine("2026-12-07T09:00:00.123+08:00", LogLevel::kWarning, "public_url_unset",
                                         "listening on every address", {{"address", "http://0.0.0.0:8080"}});
  EXPECT_EQ(line,
            R"({"time":"2026-12-07T09:00:00.123+08:00","level":"warning","event":"public_url_unset",)"
            R"("message":"listening on every address","address":"http://0.0.0.0:8080"})");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(LogLevelName(LogLevel::kInfo), "info");
  EXPECT_EQ(LogLevelName(LogLevel::kError), "error");
}

TEST(LogTest, IdNumbersAreMaskedInTheMessageAndTheFields) {
  const std::string line = FormatLogLine("t", LogLevel::kError, "internal_error",
                                         "/staff/0: 110105197103143253 不唯一\n第二行",
                                         {{"detail", "身份证 11010519710314325X"}, {"level", "forged"}});
  EXPECT_EQ(line.find("110105197103143253"), std::string::npos) << line;
  EXPECT_EQ(line.find("11010519710314325X"), std::string::npos) << line;
  const Json parsed = ParseJson(line).value();
  EXPECT_EQ(parsed.Find("message")->as_string(), "/staff/0: 110105********3253 不唯一\n第二行");
  EXPECT_EQ(parsed.Find("detail")->as_string(), "身份证 110105********325X");
  EXPECT_EQ(parsed.Find("level")->as_string(), "error") << "a field cannot replace the event's own";
}

TEST(LogTest, OnceSetEveryEventIsALineOfItsOwnThere) {
  std::ostringstream out;
  SetLogOutput(&out);
  Log(LogLevel::kInfo, "serving", "serving http://127.0.0.1:8080", {{"address", "http://127.0.0.1:8080"}});
  Log(LogLevel::kError, "checkpoint_failed", "checkpoint not signed: disk full");
  SetLogOutput(nullptr);
  std::istringstream lines(out.str());
  std::vector<Json> events;
  for (std::string line; std::getline(lines, line);) {
    auto parsed = ParseJson(line);
    ASSERT_TRUE(parsed.ok()) << line;
    events.push_back(std::move(parsed).value());
  }
  ASSERT_EQ(events.size(), 2u) << out.str();
  EXPECT_EQ(events[0].Find("event")->as_string(), "serving");
  EXPECT_EQ(events[1].Find("level")->as_string(), "error");
  // Beijing time with milliseconds.
  const std::string time = events[0].Find("time")->as_string();
  EXPECT_EQ(time.size(), 29u) << time;
  EXPECT_EQ(time.substr(19, 1), ".");
  EXPECT_EQ(time.substr(23), "+08:00");
}

}  // namespace
}  // namespace beian::core
