// Backup and restore as an operator runs them: `beian archive backup` while
// the server issues documents for clients, then `beian archive restore` into
// a new archive, which verifies clean — every blob, the audit chain and its
// Merkle tree, every document re-rendered — and extends the checkpoint kept
// before the backup. The signing and staff-index keys never enter the backup.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "beian/core/digest.h"
#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::e2e {
namespace {

namespace fs = std::filesystem;
using beian::testing::HttpClient;
using beian::testing::ProcessResult;
using beian::testing::TempDir;

// `beian --data DIR ARGS...` with the catalog the suite runs on.
ProcessResult Beian(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BeianBinary()};
  for (const std::string& a : beian::testing::DataArguments(data_dir)) argv.push_back(a);
  argv.insert(argv.end(), args.begin(), args.end());
  return beian::testing::Run(argv);
}

// The value after `label` up to the end of its line in `text`, "" if absent.
std::string LineAfter(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  if (at == std::string::npos) return "";
  const size_t start = at + label.size();
  return text.substr(start, text.find('\n', start) - start);
}

// Every file under `dir`, by name.
std::vector<std::string> FileNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  return names;
}

TEST(BackupTest, ABackupTakenUnderLoadRestoresIntoANewArchiveThatVerifiesClean) {
  TempDir dir;
  const std::string data = dir.File("var"), backup = dir.File("backup"), keys = dir.File("keys");
  const std::string token = CreateToken(data, {"--role", "admin"});
  BeianServer server(data);
  ASSERT_NE(server.port(), 0) << server.Stderr();
  const std::vector<std::string> bodies = ExampleBodies(server.port(), token);
  ASSERT_EQ(bodies.size(), 9u);

  LoadOptions options;
  options.clients = 4;
  options.duration = std::chrono::seconds(12);
  options.fetch_each = false;
  LoadResult load;
  std::thread clients([&] { load = RunLoad(server.port(), token, bodies, options); });
  std::this_thread::sleep_for(std::chrono::seconds(3));
  // A checkpoint kept elsewhere before the backup, as an operator keeps one.
  const ProcessResult checkpoint = Beian(data, {"archive", "checkpoint"});
  const ProcessResult backed_up = Beian(data, {"archive", "backup", backup, "--keys", keys});
  clients.join();
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.out << backed_up.err;
  EXPECT_EQ(load.ServerErrors(), 0) << (load.sample_errors.empty() ? "" : load.sample_errors[0]);
  ASSERT_GT(load.Created(), 20) << "the server kept issuing while the backup ran";
  const std::string kept_line = checkpoint.out.substr(0, checkpoint.out.find('\n'));

  // The backup holds documents issued before it, and says what it kept apart.
  const std::string summary = LineAfter(backed_up.out, "backup " + backup + ": ");
  const int64_t documents = std::stoll(summary);
  EXPECT_GT(documents, 0) << backed_up.out;
  EXPECT_LE(documents, load.Created()) << backed_up.out;
  EXPECT_EQ(LineAfter(backed_up.out, "kept apart, not in the backup: ").rfind("checkpoint.pem, staff-index.key", 0), 0u)
      << backed_up.out;
  EXPECT_TRUE(backed_up.err.empty()) << "no progress line when stderr is not a terminal: " << backed_up.err;
  const std::vector<std::string> in_backup = FileNames(backup);
  for (const char* secret : {"checkpoint.pem", "staff-index.key"}) {
    EXPECT_EQ(std::count(in_backup.begin(), in_backup.end(), secret), 0) << secret << " is in the backup";
    struct stat st {};
    ASSERT_EQ(::stat((keys + "/" + secret).c_str(), &st), 0) << secret << " is not in " << keys;
    EXPECT_EQ(st.st_mode & 0777, 0400u) << secret;
  }
  EXPECT_EQ(std::count(in_backup.begin(), in_backup.end(), "checkpoint.pem.pub"), 1);
  EXPECT_EQ(server.Terminate(), 0) << server.Stderr();

  // Without the keys kept apart a restore refuses, and makes nothing.
  const std::string refused_dir = dir.File("refused");
  const ProcessResult refused = Beian(refused_dir, {"archive", "restore", backup});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--keys"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(refused_dir + "/blobs"));

  // Restored into a new archive: verified clean, the backup's last checkpoint extended.
  const std::string restored = dir.File("restored");
  const ProcessResult restore = Beian(restored, {"archive", "restore", backup, "--keys", keys});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  EXPECT_NE(restore.out.find("restored " + restored + " from " + backup + ": " + std::to_string(documents) +
                             " documents"),
            std::string::npos)
      << restore.out;
  EXPECT_NE(restore.out.find("\nclean: " + std::to_string(documents) + " documents re-rendered"), std::string::npos)
      << restore.out;
  EXPECT_NE(restore.out.find("since: "), std::string::npos) << restore.out;

  // And verify --since the checkpoint kept before the backup, as any later check would.
  const ProcessResult since = Beian(restored, {"archive", "verify", "--since", kept_line});
  EXPECT_EQ(since.exit_code, 0) << since.out << since.err;
  EXPECT_NE(since.out.find("since: "), std::string::npos) << since.out;
  EXPECT_NE(since.out.find("clean: "), std::string::npos) << since.out;

  // The restored archive serves each document the backup holds, with the
  // digest it was acknowledged with, and none it does not.
  BeianServer again(restored);
  ASSERT_NE(again.port(), 0) << again.Stderr();
  HttpClient client(again.port(), token);
  int64_t served = 0, wrong = 0;
  for (const Acknowledged& a : load.acknowledged) {
    const beian::testing::HttpReply pdf = client.Get(a.pdf_path);
    if (pdf.status == 200) {
      ++served;
      if (core::Sha256Hex(pdf.body) != a.sha256) ++wrong;
    }
  }
  EXPECT_EQ(served, documents);
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(again.Terminate(), 0) << again.Stderr();
}

}  // namespace
}  // namespace beian::e2e
