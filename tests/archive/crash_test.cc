// A child process ingests in a loop (four threads, grouped commits) and is killed with SIGKILL at random
// moments; after every kill the archive must verify clean and hold every
// document the child reported as ingested.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::SampleDocument;
using testing::TempDir;

constexpr int kRounds = 24;

// Writes one line to the pipe; lines are shorter than PIPE_BUF, so each write
// is atomic even when the writer dies right after.
void Report(int fd, const std::string& line) {
  const std::string text = line + "\n";
  if (::write(fd, text.data(), text.size()) < 0) ::_exit(3);
}

// The child: ingests from kThreads threads at once (so that commits are
// grouped) until killed. Reports "ok <id> <number> <sha256>" after each
// commit, "error <message>" on any failure.
constexpr int kThreads = 4;

[[noreturn]] void IngestForever(const std::string& dir, int round, int fd) {
  core::Result<std::unique_ptr<CatalogArchive>> archive =
      OpenTestArchive(dir);
  if (!archive.ok()) {
    Report(fd, "error open: " + archive.status().ToString());
    ::_exit(1);
  }
  auto ingest = [&](int thread) {
    std::mt19937 rng(static_cast<unsigned>(round * kThreads + thread));
    for (int k = thread;; k += kThreads) {
      NewDocument doc = SampleDocument(round * 1000 + k, "");
      // 1 KB to 160 KB, so that kills also land inside blob writes.
      doc.pdf += std::string(1024 + rng() % (160 * 1024),
                             static_cast<char>('A' + (round + k) % 26));
      doc.pdf += std::to_string(round) + "/" + std::to_string(k);
      core::Result<std::string> number =
          (*archive)->AllocateNumber(doc.district, 2026, doc.kind);
      if (!number.ok()) {
        Report(fd, "error allocate: " + number.status().ToString());
        ::_exit(1);
      }
      doc.number = *number;
      core::Result<Document> stored = (*archive)->Ingest(doc);
      if (!stored.ok()) {
        Report(fd, "error ingest: " + stored.status().ToString());
        ::_exit(1);
      }
      Report(fd, "ok " + std::to_string(stored->id) + " " + stored->number +
                     " " + stored->sha256);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(ingest, t);
  for (std::thread& t : threads) t.join();
  ::_exit(0);
}

struct Reported {
  std::string number;
  std::string sha256;
};

TEST(CrashTest, SigkillAtRandomMomentsLosesNothingThatWasReported) {
  TempDir dir;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::map<int64_t, Reported> reported;
  int rounds_killed = 0;
  size_t min_reported = 0;

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      IngestForever(dir.path(), round, fds[1]);
    }
    ::close(fds[1]);
    // Let the child commit 0 to 3 documents (so that work gets done whatever
    // the disk's speed; 0 may kill it inside Open), then kill it 0 to 20 ms
    // later: anywhere in the blob write, the transaction or the report.
    const size_t wait_for = rng() % 4;
    min_reported += wait_for;
    std::string output;
    char buffer[4096];
    while (static_cast<size_t>(std::count(output.begin(), output.end(), '\n')) <
           wait_for) {
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      output.append(buffer, static_cast<size_t>(n));
    }
    const long delay_us = static_cast<long>(rng() % 20000);
    const timespec pause{0, delay_us * 1000};
    ::nanosleep(&pause, nullptr);
    ::kill(pid, SIGKILL);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
    if (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) {
      ++rounds_killed;
    }
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
      output.append(buffer, static_cast<size_t>(n));
    }
    ::close(fds[0]);
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
      ASSERT_EQ(line.rfind("ok ", 0), 0u) << line;
      std::istringstream fields(line.substr(3));
      int64_t id = 0;
      Reported r;
      fields >> id >> r.number >> r.sha256;
      reported[id] = r;
    }

    // After every crash: the archive opens, verifies clean, and holds every
    // reported document with its bytes.
    core::Result<std::unique_ptr<CatalogArchive>> archive =
        OpenTestArchive(dir.path());
    ASSERT_TRUE(archive.ok()) << archive.status().ToString();
    core::Result<VerifyReport> report = (*archive)->VerifyStorage();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const Finding& f : report->problems) ADD_FAILURE() << f.message;
    ASSERT_TRUE(report->clean());
    for (const auto& [id, r] : reported) {
      core::Result<Document> d = (*archive)->Get(id);
      ASSERT_TRUE(d.ok()) << "reported id " << id << ": "
                          << d.status().ToString();
      EXPECT_EQ(d->number, r.number);
      EXPECT_EQ(d->sha256, r.sha256);
    }
    EXPECT_GE(report->documents, static_cast<int64_t>(reported.size()));
  }
  EXPECT_EQ(rounds_killed, kRounds);
  // The kills let real work happen between them.
  EXPECT_GE(reported.size(), min_reported);

  // Numbers stay unique and readable after all the crashes.
  core::Result<std::unique_ptr<CatalogArchive>> archive =
      OpenTestArchive(dir.path());
  ASSERT_TRUE(archive.ok());
  std::map<std::string, int64_t> numbers;
  ASSERT_TRUE((*archive)
                  ->ForEachDocument([&](const Document& d) {
                    EXPECT_TRUE(numbers.emplace(d.number, d.id).second)
                        << d.number;
                    return core::Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace beian::archive
