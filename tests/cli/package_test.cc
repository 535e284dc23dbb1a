// The Debian package as `cpack -G DEB` builds it in the build folder: its
// control fields, its files unpacked into a throwaway root (dpkg --root), the
// binary found there running from its own share/beian, and the systemd unit
// as systemd-analyze reads it.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process.h"

namespace beian::cli {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;
using testing::TempDir;

TEST(DebianPackageTest, BuildsUnpacksRunsAndItsUnitVerifies) {
  if (std::string(BEIAN_INSTALL_PREFIX) != "/usr") {
    GTEST_SKIP() << "the package is built for the prefix /usr (scripts/build.sh), this build is for "
                 << BEIAN_INSTALL_PREFIX;
  }
  TempDir dir;
  ProcessResult packed =
      testing::Run({"cpack", "-G", "DEB", "-B", dir.path(), "--config", std::string(BEIAN_BUILD_DIR) + "/CPackConfig.cmake"});
  ASSERT_EQ(packed.exit_code, 0) << packed.out << packed.err;
  std::string deb;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().extension() == ".deb") deb = e.path().string();
  }
  ASSERT_FALSE(deb.empty()) << packed.out;

  // Control: named dependencies, the fonts the manifest pins among them; the
  // config a conffile; the maintainer scripts sound shell.
  ProcessResult fields = testing::Run({"dpkg-deb", "-f", deb, "Package", "Depends"});
  ASSERT_EQ(fields.exit_code, 0) << fields.err;
  EXPECT_NE(fields.out.find("Package: beian\n"), std::string::npos) << fields.out;
  for (const char* dependency : {"adduser", "init-system-helpers", "fonts-arphic-gbsn00lp", "fonts-wqy-zenhei",
                                 "fonts-arphic-gkai00mp", "fonts-arphic-uming", "fonts-hanazono", "icc-profiles-free",
                                 "libpodofo0.9.8", "libharfbuzz-subset0", "libpq5", "libsqlite3-0"}) {
    EXPECT_NE(fields.out.find(dependency), std::string::npos) << dependency << " in " << fields.out;
  }
  const std::string control = dir.File("control");
  ASSERT_EQ(testing::Run({"dpkg-deb", "-e", deb, control}).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(control + "/conffiles"), "/etc/beian/beian.json\n");
  for (const char* script : {"postinst", "prerm", "postrm"}) {
    ProcessResult parsed = testing::Run({"sh", "-n", control + "/" + script});
    EXPECT_EQ(parsed.exit_code, 0) << script << ": " << parsed.err;
  }
  const std::string postinst = testing::ReadFileOrDie(control + "/postinst");
  EXPECT_NE(postinst.find("adduser --system --group --home /var/lib/beian"), std::string::npos);
  // Removing the package never removes the archive.
  EXPECT_EQ(testing::ReadFileOrDie(control + "/postrm").find("rm "), std::string::npos);

  // Unpacked into a root of its own: the files where Debian expects them, and
  // the binary there finds its shared files beside itself.
  const std::string root = dir.File("root");
  fs::create_directories(root + "/var/lib/dpkg/info");
  fs::create_directories(root + "/var/lib/dpkg/updates");
  testing::WriteFileOrDie(root + "/var/lib/dpkg/status", "");
  testing::WriteFileOrDie(root + "/var/lib/dpkg/available", "");
  ProcessResult unpacked =
      testing::Run({"dpkg", "--root=" + root, "--force-depends", "--force-not-root", "--unpack", deb});
  ASSERT_EQ(unpacked.exit_code, 0) << unpacked.out << unpacked.err;
  for (const char* file : {"/usr/bin/beian", "/usr/share/beian/fonts/manifest.json", "/usr/share/beian/console/index.html",
                           "/usr/share/beian/api/openapi.json",
                           "/lib/systemd/system/beian.service", "/usr/share/doc/beian/copyright",
                           "/usr/share/doc/beian/changelog.Debian.gz"}) {
    EXPECT_TRUE(fs::exists(root + file)) << file;
  }
  // A conffile waits as .dpkg-new until the package is configured.
  const std::string config = root + "/etc/beian/beian.json.dpkg-new";
  EXPECT_EQ(testing::ReadFileOrDie(config), testing::ReadFileOrDie(testing::SourceRoot() + "/packaging/beian.json"));
  ProcessResult version = testing::Run({"env", "-u", "BEIAN_ROOT", root + "/usr/bin/beian", "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("root\t" + root + "/usr/share/beian\n"), std::string::npos) << version.out;

  // The unit: hardened as the issue of operations asks, restarted on
  // failure, given longer to stop than the server drains; systemd-analyze
  // finds nothing to say of it (run against the unpacked binary).
  const std::string unit = testing::ReadFileOrDie(root + "/lib/systemd/system/beian.service");
  for (const char* line : {"User=beian\n", "ExecStart=/usr/bin/beian --data /var/lib/beian serve --config /etc/beian/beian.json\n",
                           "ProtectSystem=strict\n", "ReadWritePaths=/var/lib/beian\n", "PrivateTmp=yes\n",
                           "NoNewPrivileges=yes\n", "Restart=on-failure\n", "KillSignal=SIGTERM\n",
                           "TimeoutStopSec=30\n", "WantedBy=multi-user.target\n"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
  EXPECT_NE(testing::ReadFileOrDie(config).find("\"drain_seconds\": 20,"), std::string::npos);
  std::string local = unit;
  const std::string exec = "ExecStart=/usr/bin/beian";
  local.replace(local.find(exec), exec.size(), "ExecStart=" + root + "/usr/bin/beian");
  testing::WriteFileOrDie(dir.File("beian.service"), local);
  ProcessResult verified = testing::Run({"systemd-analyze", "verify", dir.File("beian.service")});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(verified.err, "");
}

}  // namespace
}  // namespace beian::cli
