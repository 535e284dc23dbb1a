// The sandboxed upload inspection: the real `beian inspect-upload` helper,
// fed hostile files that crash, stall or exhaust a parser.
#include "upload_sandbox.h"

#include "hostile_files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace beian::service {
namespace {

using namespace std::chrono_literals;
using testing::PdfNestedInObjectStream;
using testing::PdfWithLargeDictionary;
using testing::PdfWithObjects;
using testing::WhitePng;

UploadLimits Limits() {
  UploadLimits limits;
  limits.executable = BEIAN_BINARY;
  return limits;
}

TEST(UploadSandboxTest, InspectsAPdfAndWrapsAnImage) {
  UploadInspector inspector(Limits());
  core::Result<InspectedUpload> pdf = inspector.Inspect(PdfWithObjects(0), "2026-12-06T10:00:00+08:00");
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->media_type, "application/pdf");
  EXPECT_EQ(pdf->pages, 1);
  EXPECT_TRUE(pdf->wrapped_pdf.empty());

  core::Result<InspectedUpload> png = inspector.Inspect(WhitePng(40, 30), "2026-12-06T10:00:00+08:00");
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(png->media_type, "image/png");
  EXPECT_EQ(png->pages, 1);
  EXPECT_EQ(png->wrapped_pdf.rfind("%PDF-", 0), 0u);
  EXPECT_NE(png->wrapped_pdf.find("2026"), std::string::npos);  // the upload time is the PDF's date

  core::Result<InspectedUpload> junk = inspector.Inspect("GIF89a not a scan", "");
  EXPECT_EQ(junk.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(junk.status().message().find("unsupported file type"), std::string::npos) << junk.status().message();
}

TEST(UploadSandboxTest, AParserCrashRefusesTheUploadAndTheNextOneIsRead) {
  UploadInspector inspector(Limits());
  core::Result<InspectedUpload> crashed = inspector.Inspect(PdfNestedInObjectStream(200000), "");
  ASSERT_EQ(crashed.status().code(), core::Code::kUnprocessable) << crashed.status().ToString();
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // (A sanitizer's handler catches the fault and is stopped by the filter
  // while it reports: there the child dies of the forbidden system call.)
  EXPECT_NE(crashed.status().message().find("crashed (signal 11)"), std::string::npos) << crashed.status().message();
#endif
  EXPECT_NE(crashed.status().message().find("无法安全读取该文件"), std::string::npos);
  EXPECT_TRUE(inspector.Inspect(PdfWithObjects(0), "").ok());
}

TEST(UploadSandboxTest, AnInspectionPastItsDeadlineIsKilledAndTheSlotIsFreed) {
  UploadLimits limits = Limits();
  limits.deadline = 1s;
  limits.slots = 1;
  UploadInspector inspector(limits);
  const std::string slow = PdfWithLargeDictionary(1000000);  // seconds of parsing
  const auto start = std::chrono::steady_clock::now();
  core::Result<InspectedUpload> late = inspector.Inspect(slow, "");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(late.status().code(), core::Code::kUnprocessable) << late.status().ToString();
  EXPECT_NE(late.status().message().find("took longer than 1 s"), std::string::npos) << late.status().message();
  EXPECT_LT(took, 2500ms);
  // The one slot is free again, and the helper still forks.
  EXPECT_TRUE(inspector.Inspect(PdfWithObjects(0), "").ok());
}

TEST(UploadSandboxTest, UploadsBeyondTheMemoryLimitAreRefused) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitized builds set no address-space limit";
#endif
  UploadLimits limits = Limits();
  limits.memory_bytes = uint64_t{64} << 20;
  UploadInspector inspector(limits);
  // 25 megapixels with alpha: 100 MB of samples, under the caps but over 64 MB.
  core::Result<InspectedUpload> big = inspector.Inspect(WhitePng(5000, 5000, /*alpha=*/true), "");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), core::Code::kUnprocessable) << big.status().ToString();
  EXPECT_NE(big.status().message().find("memory"), std::string::npos) << big.status().message();
  // A PDF whose objects take more than the limit to hold.
  core::Result<InspectedUpload> heavy = inspector.Inspect(PdfWithLargeDictionary(1000000), "");
  EXPECT_EQ(heavy.status().code(), core::Code::kUnprocessable) << heavy.status().ToString();
  EXPECT_NE(heavy.status().message().find("memory"), std::string::npos) << heavy.status().message();
  EXPECT_TRUE(inspector.Inspect(WhitePng(100, 100), "").ok());
}

TEST(UploadSandboxTest, ManyInspectionsAtOnceQueueForTheSlots) {
  UploadLimits limits = Limits();
  limits.slots = 2;
  UploadInspector inspector(limits);
  const std::string pdf = PdfWithObjects(10);
  std::vector<std::thread> threads;
  std::atomic<int> read{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (inspector.Inspect(pdf, "").ok()) ++read;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(read.load(), 8);
}

TEST(UploadSandboxTest, AHelperThatDiedIsStartedAgain) {
  UploadInspector inspector(Limits());
  ASSERT_TRUE(inspector.Start().ok());
  const pid_t first = inspector.helper_pid();
  ASSERT_GT(first, 0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  core::Result<InspectedUpload> read = inspector.Inspect(PdfWithObjects(0), "");
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_NE(inspector.helper_pid(), first);
}

TEST(UploadSandboxTest, AHelperThatIsNotConfiguredRefusesUploads) {
  UploadInspector inspector(UploadLimits{});
  EXPECT_EQ(inspector.Inspect(PdfWithObjects(0), "").status().code(), core::Code::kInternal);
}

// The filter itself: a child in the sandbox may compute and write to what it
// holds, and dies on anything that reaches beyond.
int EndOfSandboxedChild(void (*act)()) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!EnterSandbox(Limits()).ok()) ::_exit(90);
    act();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(UploadSandboxTest, TheFilterAllowsComputingAndRefusesReachingOut) {
  auto killed_by_filter = [](int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS; };
  const int computes = EndOfSandboxedChild([] {
    std::vector<std::string> v(1000, std::string(1000, 'x'));  // memory comes and goes
    if (::write(1, v[0].data(), 0) < 0) ::_exit(91);
  });
  EXPECT_TRUE(WIFEXITED(computes) && WEXITSTATUS(computes) == 0) << computes;
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] { ::open("/etc/hostname", O_RDONLY); })));
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] { ::socket(AF_INET, SOCK_STREAM, 0); })));
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] { ::fork(); })));
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execv("/bin/true", argv);
  })));
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] {
    ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  })));
  EXPECT_TRUE(killed_by_filter(EndOfSandboxedChild([] { ::kill(1, SIGTERM); })));
}

}  // namespace
}  // namespace beian::service
