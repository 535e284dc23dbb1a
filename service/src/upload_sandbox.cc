#include "upload_sandbox.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <new>
#include <thread>

#include "beian/core/json.h"
#include "beian/render/pdf_tools.h"

extern char** environ;

namespace beian::service {
namespace {

using Clock = std::chrono::steady_clock;

// The largest answer read back: a wrapped image is its upload plus a page.
constexpr size_t kMaxAnswerBytes = 2 * render::kMaxUploadBytes;
// How long a new helper may take to load before it says it is ready.
constexpr std::chrono::seconds kStartDeadline{30};

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(Fd&& o) noexcept : fd_(o.Release()) {}
  Fd& operator=(Fd&&) = delete;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// ---- Blocking I/O for the helper and its children.

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ReadAll(int fd, void* out, size_t size) {
  char* p = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

template <typename T>
void Append(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// ---- I/O under a deadline, for the server's side.

// Waits until `fd` is ready for `events` or the deadline passes (false).
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 60000)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let the read or write report it
  }
}

enum class Io { kDone, kClosed, kTimedOut };

// Sends all of `data` on the non-blocking `fd`; kClosed when the peer is gone.
Io SendUntil(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, deadline)) return Io::kTimedOut;
      continue;
    }
    return Io::kClosed;
  }
  return Io::kDone;
}

// Reads from the non-blocking `fd` until `out` holds `want` bytes (kDone),
// the peer closes (kClosed) or the deadline passes.
Io ReadUntil(int fd, std::string& out, size_t want, Clock::time_point deadline) {
  char buffer[1 << 16];
  while (out.size() < want) {
    const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, want - out.size()));
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Io::kClosed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFor(fd, POLLIN, deadline)) return Io::kTimedOut;
      continue;
    }
    return Io::kClosed;
  }
  return Io::kDone;
}

// ---- Passing a descriptor over the control socket.

// A one-byte message with room for one descriptor; `msg` points into it.
struct FdMessage {
  char byte = 'I';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
  }
  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;
};

bool SendFd(int socket, int fd) {
  FdMessage m;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  for (;;) {
    const ssize_t n = ::sendmsg(socket, &m.msg, MSG_NOSIGNAL);
    if (n == 1) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// One message from the control socket: >0 with `fd` set (or -1 if the message
// carried none), 0 when the server closed it, <0 on error.
ssize_t ReceiveFd(int socket, int* fd) {
  FdMessage m;
  msghdr& msg = m.msg;
  ssize_t n;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  *fd = -1;
  if (n <= 0) return n;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
      std::memcpy(fd, CMSG_DATA(c), sizeof *fd);
    }
  }
  return n;
}

// ---- Inside the sandbox.

// The header of an answer; `message` is "中文 / English" for an invalid upload.
core::Json Answer(std::string_view status, const std::string& message) {
  core::Json header = core::Json::MakeObject();
  header.Set("status", std::string(status));
  header.Set("message", message);
  return header;
}

// Why an upload could not be handled, in both languages.
core::Json Unhandled(const std::string& zh, const std::string& en) {
  core::Json header = Answer("unprocessable", "");
  header.Set("zh", zh);
  header.Set("en", en);
  return header;
}

// The answer for a refused upload: kInvalidArgument is a verdict on the file
// ("中文 / English"); anything else says why it could not be read.
core::Json Refusal(const core::Status& status, const std::string& zh_fallback) {
  if (status.code() == core::Code::kInvalidArgument) return Answer("invalid", status.message());
  const std::string& m = status.message();
  const size_t split = m.find(" / ");
  return split == std::string::npos ? Unhandled(zh_fallback, m) : Unhandled(m.substr(0, split), m.substr(split + 3));
}

// Gives the heap, in one call, the pages reading an upload of `size` bytes
// will touch, and keeps them: a fresh child would otherwise take a page fault
// for each (hundreds per scan, the larger part of its cost on a virtual
// machine), and return and fault again every large block it frees.
void ReserveHeap(uint64_t size) {
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, -1);
  const size_t bytes = static_cast<size_t>(std::min<uint64_t>(2 * size + (1 << 20), uint64_t{256} << 20));
  char* block = static_cast<char*>(std::malloc(bytes));
  if (block == nullptr) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t from = (reinterpret_cast<uintptr_t>(block) + page - 1) & ~(page - 1);
  const uintptr_t to = (reinterpret_cast<uintptr_t>(block) + bytes) & ~(page - 1);
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  std::free(block);
}

// Reads one upload from fd 0, inspects or wraps it, answers on fd 0.
void Inspect() {
  uint32_t created_size = 0;
  uint64_t upload_size = 0;
  std::string created_at, upload;
  if (!ReadAll(0, &created_size, sizeof created_size) || created_size > 64) return;
  created_at.resize(created_size);
  if (!ReadAll(0, created_at.data(), created_size) || !ReadAll(0, &upload_size, sizeof upload_size)) return;
  // The server sends nothing larger; anything else is not the server talking.
  if (upload_size > render::kMaxUploadBytes) return;
  ReserveHeap(upload_size);
  core::Json header;
  std::string payload;
  try {
    upload.resize(upload_size);
    if (!ReadAll(0, upload.data(), upload.size())) return;
    core::Result<std::string> media = render::SniffMediaType(upload);
    if (!media.ok()) {
      header = Refusal(media.status(), "无法识别文件类型");
    } else if (*media == "application/pdf") {
      core::Result<render::PdfFacts> facts = render::InspectPdf(upload);
      if (facts.ok()) {
        header = Answer("ok", "");
        header.Set("pages", static_cast<int64_t>(facts->pages));
        header.Set("producer", facts->producer);
      } else {
        header = Refusal(facts.status(), "PDF 无法读取");
      }
    } else {
      core::Result<std::string> pdf = render::WrapImage(upload, *media, created_at);
      if (pdf.ok()) {
        header = Answer("ok", "");
        header.Set("pages", int64_t{1});
        payload = std::move(pdf).value();
      } else {
        header = Refusal(pdf.status(), "图像无法包装为 PDF");
      }
    }
    if (media.ok()) header.Set("media_type", *media);
  } catch (const std::bad_alloc&) {
    header = Unhandled("检查时超出内存限制", "the inspection ran out of its memory limit");
    payload.clear();
  }
  const std::string text = core::WriteJson(header);
  std::string frame = "R";
  Append(frame, static_cast<uint32_t>(text.size()));
  frame += text;
  Append(frame, static_cast<uint64_t>(payload.size()));
  if (WriteAll(0, frame)) WriteAll(0, payload);
}

// The helper's virtual memory now, from /proc (read before the filter).
uint64_t AddressSpaceNow() {
  Fd statm(::open("/proc/self/statm", O_RDONLY | O_CLOEXEC));
  char text[64] = {};
  if (statm.get() < 0 || ::read(statm.get(), text, sizeof text - 1) <= 0) return 0;
  return std::strtoull(text, nullptr, 10) * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

// What a forked child does: keeps only its socket (as fd 0), enters the
// sandbox, inspects one upload and exits without unwinding.
[[noreturn]] void RunChild(int socket, int devnull, const UploadLimits& limits, const sigset_t& mask) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::sigprocmask(SIG_SETMASK, &mask, nullptr);
  if (::dup2(socket, 0) < 0 || ::dup2(devnull, 1) < 0 || ::dup2(devnull, 2) < 0) ::_exit(3);
  ::close_range(3, ~0U, 0);
  if (!EnterSandbox(limits).ok()) ::_exit(4);
  Inspect();
  ::_exit(0);
}

// Calls the parsers once before any child is forked, so that whatever they
// set up on first use (tables, allocator arenas) is inherited, not done under
// the filter.
void WarmUp() {
  (void)render::SniffMediaType("%PDF-1.4");
  (void)render::InspectPdf("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n");
  const std::string png("\x89PNG\r\n\x1a\n", 8);
  (void)render::WrapImage(png, "image/png", "");
}

}  // namespace

core::Status EnterSandbox(const UploadLimits& limits) {
  const uint64_t base = AddressSpaceNow();
  const rlimit memory{base + limits.memory_bytes, base + limits.memory_bytes};
  const rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds) + 1};
  const rlimit none{0, 0};
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // Test builds only. A sanitizer reserves terabytes of shadow address
  // space: no RLIMIT_AS. UBSan's vptr check probes memory by writing it to
  // a pipe: two more descriptors (and pipe2, below).
  constexpr bool kSanitized = true;
#else
  constexpr bool kSanitized = false;
#endif
  const bool bound_memory = !kSanitized;
  const rlimit files = kSanitized ? rlimit{8, 8} : rlimit{3, 3};  // fds 0–2 only
  if ((bound_memory && ::setrlimit(RLIMIT_AS, &memory) != 0) || ::setrlimit(RLIMIT_CPU, &cpu) != 0 ||
      ::setrlimit(RLIMIT_FSIZE, &none) != 0 || ::setrlimit(RLIMIT_CORE, &none) != 0 ||
      ::setrlimit(RLIMIT_NOFILE, &files) != 0) {
    return core::Internal(Errno("setrlimit"));
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return core::Internal(Errno("no_new_privs"));
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

  scmp_filter_ctx filter = ::seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (filter == nullptr) return core::Internal("seccomp_init failed");
  int failed = 0;
  auto allow = [&](int call) { failed |= ::seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0); };
  // Its socket and /dev/null, and nothing to open another.
  for (int call : {SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(sendto),
                   SCMP_SYS(recvfrom), SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(lseek)}) {
    allow(call);
  }
  // fstat through newfstatat only on a descriptor (AT_EMPTY_PATH), never on a path.
  failed |= ::seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
                               SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
  // Memory, never executable.
  for (int call : {SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise)}) allow(call);
  failed |= ::seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  failed |= ::seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
                               SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  // Locks, signals to itself (abort), time, randomness, the end.
  for (int call : {SCMP_SYS(futex), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(getpid),
                   SCMP_SYS(gettid), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),
                   SCMP_SYS(sched_yield), SCMP_SYS(exit), SCMP_SYS(exit_group)}) {
    allow(call);
  }
  failed |= ::seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                               SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(::getpid())));
  // Sanitized test builds: UBSan's memory probe (a pipe), and ASan looking up
  // its signal stack when an exception is thrown.
  if (kSanitized) {
    allow(SCMP_SYS(pipe2));
    allow(SCMP_SYS(sigaltstack));
  }
  if (failed != 0 || ::seccomp_load(filter) != 0) {
    ::seccomp_release(filter);
    return core::Internal("the seccomp filter could not be loaded");
  }
  ::seccomp_release(filter);
  return core::Status::Ok();
}

int RunInspectionZygote(const UploadLimits& limits) {
  // Nothing of the server's passes on but the control socket (fd 0) and the
  // standard streams.
  ::close_range(3, ~0U, 0);
  ::signal(SIGPIPE, SIG_IGN);
  // PoDoFo reads the local time zone (dates it makes up and then drops); a
  // fixed one spares the child a look at /etc/localtime.
  ::setenv("TZ", "UTC0", 1);
  ::tzset();
  WarmUp();
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  sigset_t chld, mask;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &chld, &mask);
  const int reaper = ::signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (devnull < 0 || reaper < 0 || !WriteAll(0, "ready")) return 1;

  std::map<pid_t, int> children;  // pid → the zygote's copy of its socket
  auto reap = [&] {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      auto it = children.find(pid);
      if (it == children.end()) continue;
      std::string trailer = "X";
      Append(trailer, static_cast<int32_t>(status));
      WriteAll(it->second, trailer);
      ::close(it->second);
      children.erase(it);
    }
  };
  for (;;) {
    pollfd p[2] = {{0, POLLIN, 0}, {reaper, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(reaper, &info, sizeof info) > 0) {
      }
      reap();
    }
    if (p[0].revents == 0) continue;
    int socket = -1;
    if (ReceiveFd(0, &socket) <= 0) break;  // the server has gone
    if (socket < 0) continue;
    const pid_t pid = ::fork();
    if (pid == 0) RunChild(socket, devnull, limits, mask);
    if (pid < 0) {
      ::close(socket);  // the server reads the end of the stream: no inspection
      continue;
    }
    std::string hello = "P";
    Append(hello, static_cast<int32_t>(pid));
    WriteAll(socket, hello);
    children.emplace(pid, socket);
  }
  for (const auto& [pid, socket] : children) ::kill(pid, SIGKILL);
  while (::waitpid(-1, nullptr, 0) > 0) {
  }
  return 0;
}

// ---- The server's side.

UploadInspector::UploadInspector(UploadLimits limits)
    : limits_(std::move(limits)),
      gate_(limits_.slots > 0 ? limits_.slots : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

UploadInspector::~UploadInspector() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
}

core::Status UploadInspector::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  return ControlLocked().status();
}

void UploadInspector::StopLocked() {
  if (control_ >= 0) ::close(control_);
  control_ = -1;
  if (zygote_ > 0) {
    // Its children die with it (PR_SET_PDEATHSIG).
    ::kill(zygote_, SIGKILL);
    ::waitpid(zygote_, nullptr, 0);
  }
  zygote_ = -1;
}

core::Result<int> UploadInspector::ControlLocked() {
  if (control_ >= 0 && ::waitpid(zygote_, nullptr, WNOHANG) == 0) return control_;
  if (control_ >= 0) {
    ::close(control_);
    control_ = -1;
    zygote_ = -1;  // reaped just now
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return core::Internal(Errno("socketpair"));
  Fd mine(pair[0]), theirs(pair[1]);
  if (limits_.executable.empty()) {
    return core::Internal("no upload inspector is configured (ServiceOptions::uploads.executable)");
  }
  const std::string& executable = limits_.executable;
  const std::string memory_mb = std::to_string(limits_.memory_bytes >> 20);
  const std::string cpu = std::to_string(limits_.cpu_seconds);
  std::vector<std::string> args = {"beian", "inspect-upload", "--memory-mb", memory_mb, "--cpu-seconds", cpu};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  ::posix_spawn_file_actions_init(&files);
  ::posix_spawn_file_actions_adddup2(&files, theirs.get(), 0);
  ::posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_addclosefrom_np(&files, 3);
  // The server blocks its termination signals for a waiting thread; the
  // helper starts with none blocked and every handler at its default.
  posix_spawnattr_t attributes;
  ::posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  ::posix_spawnattr_setsigmask(&attributes, &none);
  ::posix_spawnattr_setsigdefault(&attributes, &all);
  ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // Every symbol bound at load: otherwise each forked child resolves again
  // what it calls (a third of a small scan's cost).
  std::vector<std::string> environment = {"LD_BIND_NOW=1"};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "LD_BIND_NOW=", 12) != 0) environment.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (std::string& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, executable.c_str(), &files, &attributes, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&files);
  ::posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    return core::Internal("cannot start the upload inspector " + executable + ": " + std::strerror(spawned));
  }
  theirs.Reset();
  zygote_ = pid;
  control_ = mine.Release();
  // Its first message says it has loaded; anything else is a broken helper.
  char ready[8] = {};
  pollfd p{control_, POLLIN, 0};
  const int waited = ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kStartDeadline).count()));
  if (waited <= 0 || ::recv(control_, ready, sizeof ready, 0) != 5 || std::memcmp(ready, "ready", 5) != 0) {
    StopLocked();
    return core::Internal("the upload inspector " + executable + " did not start");
  }
  return control_;
}

pid_t UploadInspector::helper_pid() {
  std::lock_guard<std::mutex> lock(mu_);
  return zygote_;
}

core::Result<UploadInspector::Child> UploadInspector::Fork(Clock::time_point deadline) {
  // A helper that died since the last upload is started again, once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return core::Internal(Errno("socketpair"));
    Fd mine(pair[0]), theirs(pair[1]);
    ::fcntl(mine.get(), F_SETFL, ::fcntl(mine.get(), F_GETFL) | O_NONBLOCK);
    {
      std::lock_guard<std::mutex> lock(mu_);
      BEIAN_ASSIGN_OR_RETURN(const int control, ControlLocked());
      if (!SendFd(control, theirs.get())) {
        StopLocked();
        continue;
      }
    }
    theirs.Reset();
    std::string hello;
    switch (ReadUntil(mine.get(), hello, 5, deadline)) {
      case Io::kDone:
        if (hello[0] == 'P') {
          int32_t pid = 0;
          std::memcpy(&pid, hello.data() + 1, sizeof pid);
          return Child{mine.Release(), pid};
        }
        break;
      case Io::kTimedOut:
        return Child{};
      case Io::kClosed:
        break;
    }
    std::lock_guard<std::mutex> lock(mu_);
    StopLocked();  // it took the socket and did not fork
  }
  return core::Internal("the upload inspector does not take requests");
}

namespace {

// "15" for 15 s, "1.5" for 1500 ms.
std::string Seconds(std::chrono::milliseconds t) {
  std::string s = std::to_string(t.count() / 1000);
  if (t.count() % 1000 != 0) s += "." + std::to_string(t.count() % 1000 / 100);
  return s;
}

// Refusing an upload whose inspection failed: `zh` and `en` say why.
core::Status Unreadable(const std::string& zh, const std::string& en) {
  return core::Unprocessable("无法安全读取该文件：" + zh + " / the file cannot be read safely: " + en);
}

// Why a child ended without an answer, from its wait status.
core::Status EndedWithout(int status) {
  if (WIFEXITED(status)) {
    const std::string code = std::to_string(WEXITSTATUS(status));
    return Unreadable("检查进程异常退出（" + code + "）", "the inspection exited with status " + code);
  }
  const int sig = WTERMSIG(status);
  const std::string number = std::to_string(sig);
  switch (sig) {
    case SIGSYS:
      return Unreadable("检查进程试图执行不允许的系统调用", "the inspection attempted a forbidden system call");
    case SIGXCPU:
    case SIGKILL:
      return Unreadable("检查超出 CPU 时间限制", "the inspection exceeded its CPU time limit");
    case SIGSEGV:
    case SIGBUS:
      return Unreadable("检查进程崩溃（信号 " + number + "）", "the inspection crashed (signal " + number + ")");
    case SIGABRT:
      return Unreadable("检查进程中止（可能超出内存限制）", "the inspection aborted (possibly out of memory)");
    default:
      return Unreadable("检查进程被信号 " + number + " 终止", "the inspection was ended by signal " + number);
  }
}

}  // namespace

core::Result<InspectedUpload> UploadInspector::Inspect(std::string_view upload, const std::string& created_at) {
  if (upload.size() > render::kMaxUploadBytes) {
    return core::InvalidArgument("文件过大（超过 256 MiB） / file too large (over 256 MiB)");
  }
  core::WorkGate::Slot slot(gate_);
  const Clock::time_point deadline = Clock::now() + limits_.deadline;
  const std::string seconds = Seconds(limits_.deadline);
  auto timed_out = [&] {
    return Unreadable("检查超过 " + seconds + " 秒仍未完成", "the inspection took longer than " + seconds + " s");
  };
  BEIAN_ASSIGN_OR_RETURN(const Child child, Fork(deadline));
  if (child.socket < 0) return timed_out();
  Fd socket(child.socket);
  const pid_t pid = child.pid;
  std::string request;
  Append(request, static_cast<uint32_t>(created_at.size()));
  request += created_at;
  Append(request, static_cast<uint64_t>(upload.size()));
  std::string got;
  Io io = SendUntil(socket.get(), request, deadline);
  if (io == Io::kDone) io = SendUntil(socket.get(), upload, deadline);
  if (io != Io::kTimedOut) {
    ::shutdown(socket.get(), SHUT_WR);
    io = ReadUntil(socket.get(), got, kMaxAnswerBytes, deadline);
  }
  if (io == Io::kTimedOut) {
    ::kill(pid, SIGKILL);
    return timed_out();
  }
  if (io == Io::kDone) {
    ::kill(pid, SIGKILL);
    return Unreadable("检查结果过大", "the inspection's answer is too large");
  }

  auto malformed = [] { return Unreadable("检查结果格式错误", "a malformed answer"); };
  // [R header payload] X status
  if (got.size() < 5 || got[got.size() - 5] != 'X') {
    return Unreadable("检查进程未报告结束状态", "the inspection ended without a status");
  }
  int32_t status = 0;
  std::memcpy(&status, got.data() + got.size() - 4, sizeof status);
  got.resize(got.size() - 5);
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || got.empty()) return EndedWithout(status);
  uint32_t header_size = 0;
  uint64_t payload_size = 0;
  if (got[0] != 'R' || got.size() < 1 + sizeof header_size) return malformed();
  std::memcpy(&header_size, got.data() + 1, sizeof header_size);
  const size_t payload_at = 1 + sizeof header_size + header_size + sizeof payload_size;
  if (got.size() < payload_at) return malformed();
  std::memcpy(&payload_size, got.data() + payload_at - sizeof payload_size, sizeof payload_size);
  if (got.size() - payload_at != payload_size) return malformed();
  core::Result<core::Json> header = core::ParseJson(std::string_view(got).substr(1 + sizeof header_size, header_size));
  if (!header.ok() || !header->is_object()) return malformed();
  auto text = [&](const char* key) {
    const core::Json* v = header->Find(key);
    return v != nullptr && v->is_string() ? v->as_string() : std::string();
  };
  const std::string verdict = text("status");
  if (verdict == "invalid") return core::InvalidArgument(text("message"));
  if (verdict != "ok") return Unreadable(text("zh"), text("en"));
  InspectedUpload out;
  out.media_type = text("media_type");
  out.producer = text("producer");
  const core::Json* pages = header->Find("pages");
  out.pages = pages != nullptr && pages->is_integer() ? static_cast<int>(pages->as_int()) : 0;
  out.wrapped_pdf = got.substr(payload_at);
  return out;
}

int InspectUploadCommand(const std::vector<std::string>& args) {
  UploadLimits limits;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    const long long v = std::atoll(args[i + 1].c_str());
    if (v <= 0) return 2;
    if (args[i] == "--memory-mb") {
      limits.memory_bytes = static_cast<uint64_t>(v) << 20;
    } else if (args[i] == "--cpu-seconds") {
      limits.cpu_seconds = static_cast<int>(v);
    } else {
      return 2;
    }
  }
  struct stat control;
  if (::fstat(0, &control) != 0 || !S_ISSOCK(control.st_mode)) return 2;
  return RunInspectionZygote(limits);
}

}  // namespace beian::service
