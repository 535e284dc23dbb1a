#include "process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_catalog.h"
#include <thread>

namespace beian::testing {
namespace {

std::string Drain(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

ProcessResult Run(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ProcessResult r;
  std::thread err_reader([&] { r.err = Drain(err_pipe[0]); });
  r.out = Drain(out_pipe[0]);
  err_reader.join();
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "beian-test-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = templ;
}

TempDir::~TempDir() {
  DropTestCatalogsUnder(path_);
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFileOrDie(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string StripWhitespace(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') continue;
    if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0x80) {  // U+3000
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string PdfText(const std::string& pdf_path, int page, bool layout) {
  std::vector<std::string> argv = {"pdftotext", "-enc", "UTF-8"};
  if (layout) argv.push_back("-layout");
  if (page > 0) {
    argv.insert(argv.end(), {"-f", std::to_string(page), "-l", std::to_string(page)});
  }
  argv.insert(argv.end(), {pdf_path, "-"});
  ProcessResult r = Run(argv);
  if (r.exit_code != 0) throw std::runtime_error("pdftotext failed: " + r.err);
  return layout ? r.out : StripWhitespace(r.out);
}

std::string PdfRawText(const std::string& pdf_path, int page) {
  std::vector<std::string> argv = {"pdftotext", "-raw", "-enc", "UTF-8"};
  if (page > 0) argv.insert(argv.end(), {"-f", std::to_string(page), "-l", std::to_string(page)});
  argv.insert(argv.end(), {pdf_path, "-"});
  ProcessResult r = Run(argv);
  if (r.exit_code != 0) throw std::runtime_error("pdftotext failed: " + r.err);
  return StripWhitespace(r.out);
}

int PdfPages(const std::string& pdf_path) {
  ProcessResult r = Run({"pdfinfo", pdf_path});
  const size_t at = r.out.find("Pages:");
  if (r.exit_code != 0 || at == std::string::npos) return -1;
  return std::atoi(r.out.c_str() + at + 6);
}

std::string SourceRoot() {
  if (const char* env = std::getenv("BEIAN_ROOT")) return env;
  return BEIAN_SOURCE_ROOT;
}

}  // namespace beian::testing
