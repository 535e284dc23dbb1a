// The real `beian serve` as a child process, for end-to-end tests.
#ifndef BEIAN_TESTS_E2E_BEIAN_SERVER_H_
#define BEIAN_TESTS_E2E_BEIAN_SERVER_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace beian::e2e {

// The beian binary under test.
const std::string& BeianBinary();

// Runs `beian --data DATA token create ARGS...`; returns the secret (fails the
// test and returns "" on error).
std::string CreateToken(const std::string& data_dir,
                        const std::vector<std::string>& args);

// A sanitized build, where the server's peak RSS means little (ASan keeps up
// to 256 MB of freed memory in quarantine, besides its shadow) and the upload
// sandbox's child, crashing, dies of the filter stopping the sanitizer's
// reporter rather than of the signal.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

class BeianServer {
 public:
  // Starts `beian --data DATA serve --port 0 EXTRA...` and waits (up to 60 s)
  // for its "serving http://127.0.0.1:PORT" line. port() is 0 on failure.
  BeianServer(const std::string& data_dir,
              const std::vector<std::string>& extra = {});
  // Kills the process if it is still running.
  ~BeianServer();
  BeianServer(const BeianServer&) = delete;
  BeianServer& operator=(const BeianServer&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The process's peak resident set (VmHWM) in MB; 0 if unreadable.
  double PeakRssMb() const;
  // True while the process has not exited.
  bool Running();
  // Sends SIGTERM and waits up to `timeout_s`; returns the exit status (or
  // -1 if it had to be killed).
  int Terminate(int timeout_s = 30);
  // What the server wrote on stderr so far.
  std::string Stderr();

 private:
  void ReadAvailable(int timeout_ms);

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  uint16_t port_ = 0;
  std::string stderr_;
  int exit_status_ = -1;
};

}  // namespace beian::e2e

#endif  // BEIAN_TESTS_E2E_BEIAN_SERVER_H_
