#include "beian_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <cstdlib>
#include <thread>

#include "process.h"
#include "test_catalog.h"

namespace beian::e2e {

const std::string& BeianBinary() {
  static const std::string binary = BEIAN_BINARY;
  return binary;
}

std::string CreateToken(const std::string& data_dir,
                        const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BeianBinary()};
  for (const std::string& a : beian::testing::DataArguments(data_dir)) argv.push_back(a);
  argv.push_back("token");
  argv.push_back("create");
  argv.insert(argv.end(), args.begin(), args.end());
  beian::testing::ProcessResult r = beian::testing::Run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string secret = r.out;
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();
  return r.exit_code == 0 ? secret : "";
}

BeianServer::BeianServer(const std::string& data_dir,
                         const std::vector<std::string>& extra) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  std::vector<std::string> args = {BeianBinary()};
  for (const std::string& a : beian::testing::DataArguments(data_dir)) args.push_back(a);
  for (const char* a : {"serve", "--port", "0"}) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  stderr_fd_ = fds[0];
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string marker = "serving http://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline && Running()) {
    ReadAvailable(100);
    const size_t at = stderr_.find(marker);
    if (at != std::string::npos) {
      const size_t start = at + marker.size();
      const size_t end = stderr_.find_first_not_of("0123456789", start);
      if (end != std::string::npos && end > start) {
        port_ = static_cast<uint16_t>(
            std::atoi(stderr_.substr(start, end - start).c_str()));
        return;
      }
    }
  }
}

BeianServer::~BeianServer() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

void BeianServer::ReadAvailable(int timeout_ms) {
  if (stderr_fd_ < 0) return;
  pollfd p{stderr_fd_, POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) > 0) {
    char buffer[4096];
    const ssize_t n = ::read(stderr_fd_, buffer, sizeof buffer);
    if (n <= 0) {
      ::close(stderr_fd_);
      stderr_fd_ = -1;
      return;
    }
    stderr_.append(buffer, static_cast<size_t>(n));
    timeout_ms = 0;
  }
}

double BeianServer::PeakRssMb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

bool BeianServer::Running() {
  if (pid_ <= 0 || exit_status_ != -1) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int BeianServer::Terminate(int timeout_s) {
  if (!Running()) return exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    ReadAvailable(50);
    if (!Running()) return exit_status_;
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  exit_status_ = -1;
  pid_ = -1;
  return -1;
}

std::string BeianServer::Stderr() {
  ReadAvailable(0);
  return stderr_;
}

}  // namespace beian::e2e
