// What one beian process costs from exec to exit, as a clerk or a script meets it on the
// command line: `beian kinds`, a one-page letter (承诺书) and the 11-page 资质核查信息表 (120
// staff, 60 projects) rendered by `beian render`, each with no prepared faces ("cold": an empty
// cache folder, as the first run after installing or upgrading) and with them ("cached"); beside
// one Typst process rendering the peers' form of the same 11 pages
// (`node warm_typst.js OUT --once`, ../shared/bench/peers), in the same run.
//
//   start_bench [--runs N] [--beian PATH] [--peers DIR] [--node-modules DIR]
//
// Wall time of each process (fork to reaped), median and range of N runs, and its peak RSS. The
// files read are in the page cache for all runs (the first run of each row is not counted).
// Typst's own line also gives what warm_typst.js reports of itself: gen_json_ms is its data
// generator (a Python subprocess), not Typst; "without gen_json" subtracts it.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "process.h"
#include "synthetic_data.h"

namespace {

namespace fs = std::filesystem;

struct Run {
  double ms = 0;
  long rss_kb = 0;
  int status = 0;
  std::string out;
};

// Runs `argv` with `env` added to the environment, stdout captured (stderr to /dev/null).
Run Time(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) std::exit(2);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null != nullptr) ::dup2(fileno(null), 2);
    ::close(pipe_fds[0]);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  Run run;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) run.out.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  struct rusage usage {};
  ::wait4(pid, &run.status, 0, &usage);
  run.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  run.rss_kb = usage.ru_maxrss;
  return run;
}

double Median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  const size_t n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

// Runs `argv` runs + 1 times (the first not counted) and prints a row; `env_for(i)` gives the
// environment of run i (0 is the uncounted one).
void Row(const std::string& what, const std::vector<std::string>& argv, int runs,
         const std::function<std::vector<std::string>(int)>& env_for) {
  std::vector<double> ms;
  long rss = 0;
  for (int i = 0; i <= runs; ++i) {
    const Run r = Time(argv, env_for(i));
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
      std::fprintf(stderr, "%s: exit status %d\n", what.c_str(), r.status);
      std::exit(1);
    }
    if (i == 0) continue;
    ms.push_back(r.ms);
    rss = std::max(rss, r.rss_kb);
  }
  std::printf("| %-48s | %7.1f | %7.1f–%-7.1f | %5ld |\n", what.c_str(), Median(ms),
              *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()), rss / 1024);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 10;
  std::string beian = BEIAN_BUILD_DIR "/cli/beian";
  std::string peers = BEIAN_SOURCE_ROOT "/../shared/bench/peers";
  std::string node_modules = "/tmp/peers/node_modules";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") {
      runs = std::max(1, std::atoi(argv[i + 1]));
    } else if (flag == "--beian") {
      beian = argv[i + 1];
    } else if (flag == "--peers") {
      peers = argv[i + 1];
    } else if (flag == "--node-modules") {
      node_modules = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: start_bench [--runs N] [--beian PATH] [--peers DIR] [--node-modules DIR]\n");
      return 2;
    }
  }
  beian::testing::TempDir dir;
  const std::string root = BEIAN_SOURCE_ROOT;
  const std::string letter = root + "/templates/commitment-letter/example.json";
  const std::string form = dir.File("form.json");
  beian::testing::WriteFileOrDie(form, beian::core::WriteJson(beian::testing::MakeQualificationData(120, 60, 1)));
  const std::string cached = dir.File("cache");

  std::printf("Per process, exec to exit, %d runs each (ms; peak RSS MB)\n\n", runs);
  std::printf("| %-48s | %7s | %-15s | %5s |\n", "process", "median", "range", "RSS");
  std::printf("|%s|%s|%s|%s|\n", std::string(50, '-').c_str(), std::string(9, '-').c_str(),
              std::string(17, '-').c_str(), std::string(7, '-').c_str());
  const std::vector<std::string> none = {"BEIAN_ROOT=" + root};
  int fresh = 0;
  auto cold = [&](int) {
    // A new cache folder for every run: nothing prepared yet.
    return std::vector<std::string>{"BEIAN_ROOT=" + root, "BEIAN_CACHE=" + dir.File("cold-" + std::to_string(++fresh))};
  };
  auto warm = [&](int) { return std::vector<std::string>{"BEIAN_ROOT=" + root, "BEIAN_CACHE=" + cached}; };
  const std::vector<std::string> kinds = {beian, "kinds"};
  const std::vector<std::string> one_page = {beian, "render", "commitment-letter", letter, "-o", dir.File("letter.pdf"),
                                             "--issued-at", "2026-11-27T10:00:00+08:00", "--number", "CNS-20261127-A1"};
  const std::vector<std::string> eleven = {beian, "render", "qualification-verification", form, "-o",
                                           dir.File("form.pdf"), "--issued-at", "2026-11-27T10:00:00+08:00",
                                           "--number", "ZZHC-20261127-A1"};
  Row("beian kinds", kinds, runs, [&](int) { return none; });
  Row("beian render, 1-page letter, cold", one_page, runs, cold);
  Row("beian render, 1-page letter, cached", one_page, runs, warm);
  Row("beian render, 11-page form, cold", eleven, runs, cold);
  Row("beian render, 11-page form, cached", eleven, runs, warm);

  const std::string script = peers + "/warm_typst.js";
  if (!fs::exists(script) || !fs::exists(node_modules + "/@myriaddreamin/typst-ts-node-compiler")) {
    std::printf("\n(Typst not run: needs %s and the compiler under %s; see README-peers.md there)\n", script.c_str(),
                node_modules.c_str());
    return 0;
  }
  const int typst_runs = std::max(1, runs / 3);
  const std::vector<std::string> typst = {"node", script, dir.File("typst"), "--once"};
  Row("Typst, 11-page form (node warm_typst.js --once)", typst, typst_runs,
      [&](int) { return std::vector<std::string>{"NODE_PATH=" + node_modules}; });
  const Run once = Time(typst, {"NODE_PATH=" + node_modules});
  std::printf("\nOne more Typst process: %.0f ms; it reports %s", once.ms, once.out.c_str());
  const size_t gen = once.out.find("gen_json_ms=");
  if (gen != std::string::npos) {
    std::printf("without gen_json (its Python data generator): %.0f ms\n", once.ms - std::atof(once.out.c_str() + gen + 12));
  }
  return 0;
}
