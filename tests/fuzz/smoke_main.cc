// A driver for the fuzz harnesses without libFuzzer, so the normal test suite runs every harness
// on every build: each file of the seed folders (or files) named on the command line, then
// deterministic mutations of them (bit flips, interesting bytes, insertions, deletions,
// duplicated and spliced ranges, truncations) through LLVMFuzzerTestOneInput. A harness that
// finds a problem aborts, which fails the test. The same seeds and count give the same inputs.
// The input that was running when the program died (abort, segfault) is saved as
// smoke-crash-<pid> in the working folder, to replay with the harness.
//
//   <name>_fuzz_smoke [--mutations=N] DIR_OR_FILE...
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

// Mutated inputs stay below this size, as libFuzzer's default -max_len keeps them small.
constexpr size_t kMaxMutatedBytes = size_t{1} << 20;

// xorshift64*: small, fast and the same on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed == 0 ? 1 : seed) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  // Uniform in [0, n); n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The files named, and every regular file below the folders named, each folder in name order.
std::vector<std::string> LoadSeeds(const std::vector<std::string>& args) {
  std::vector<std::string> seeds;
  for (const std::string& arg : args) {
    if (fs::is_directory(arg)) {
      std::vector<fs::path> files;
      for (const fs::directory_entry& e : fs::recursive_directory_iterator(arg)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& f : files) seeds.push_back(ReadFile(f));
    } else if (fs::is_regular_file(arg)) {
      seeds.push_back(ReadFile(arg));
    } else {
      std::fprintf(stderr, "no such seed file or folder: %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return seeds;
}

// Bytes that parsers treat specially: delimiters, signs, digits, limits of a byte.
constexpr char kInteresting[] = {'\0', '\xff', '\x7f', '\x80', '"', '\\', '{', '}', '[', ']', ':', ',',
                                 '-',  '0',    '9',    'e',    '\r', '\n', '<', '>', '/', ' ', '%', '='};

void MutateOnce(std::string& s, const std::vector<std::string>& seeds, Random& rng) {
  switch (rng.Below(8)) {
    case 0:  // flip one bit
      if (!s.empty()) s[rng.Below(s.size())] ^= static_cast<char>(1u << rng.Below(8));
      break;
    case 1:  // overwrite a byte with an interesting one
      if (!s.empty()) s[rng.Below(s.size())] = kInteresting[rng.Below(sizeof kInteresting)];
      break;
    case 2:  // insert a random byte
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng.Below(s.size() + 1)),
               static_cast<char>(rng.Next()));
      break;
    case 3: {  // delete a range
      if (s.empty()) break;
      const size_t at = rng.Below(s.size());
      s.erase(at, 1 + rng.Below(std::min<size_t>(s.size() - at, 64)));
      break;
    }
    case 4: {  // duplicate a range in place
      if (s.empty()) break;
      const size_t at = rng.Below(s.size());
      const size_t n = 1 + rng.Below(std::min<size_t>(s.size() - at, 256));
      s.insert(at, s.substr(at, n));
      break;
    }
    case 5:  // truncate
      s.resize(rng.Below(s.size() + 1));
      break;
    case 6: {  // splice: this input's head, another seed's tail
      const std::string& other = seeds[rng.Below(seeds.size())];
      s = s.substr(0, rng.Below(s.size() + 1)) + other.substr(rng.Below(other.size() + 1));
      break;
    }
    default: {  // overwrite a range with a range of another seed
      const std::string& other = seeds[rng.Below(seeds.size())];
      if (s.empty() || other.empty()) break;
      const size_t from = rng.Below(other.size());
      const size_t n = 1 + rng.Below(std::min<size_t>(other.size() - from, 64));
      const size_t at = rng.Below(s.size());
      s.replace(at, std::min(n, s.size() - at), other, from, n);
      break;
    }
  }
}

// The input running now, for the signal handler.
const std::string* g_current = nullptr;

// Saves the running input, then dies of the same signal. Only async-signal-safe calls.
void SaveInputAndDie(int signal_number) {
  if (g_current != nullptr) {
    char name[64] = "smoke-crash-";
    size_t at = std::strlen(name);
    char digits[24];
    size_t n = 0;
    for (long pid = static_cast<long>(getpid()); pid > 0 && n < sizeof digits; pid /= 10) {
      digits[n++] = static_cast<char>('0' + pid % 10);
    }
    while (n > 0 && at + 1 < sizeof name) name[at++] = digits[--n];
    name[at] = '\0';
    const int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      const ssize_t ignored = write(fd, g_current->data(), g_current->size());
      (void)ignored;
      close(fd);
      const char note[] = "the failing input is saved in ";
      (void)!write(2, note, sizeof note - 1);
      (void)!write(2, name, at);
      (void)!write(2, "\n", 1);
    }
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void Run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  for (int s : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(s, SaveInputAndDie);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  long mutations = 200;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mutations=", 12) == 0) {
      mutations = std::strtol(argv[i] + 12, nullptr, 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  const std::vector<std::string> seeds = LoadSeeds(args);
  if (seeds.empty()) {
    std::fprintf(stderr, "usage: %s [--mutations=N] SEED_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& seed : seeds) Run(seed);
  Random rng(0x62656961'6e66757aULL);
  for (long i = 0; i < mutations; ++i) {
    std::string input = seeds[rng.Below(seeds.size())];
    for (size_t n = 1 + rng.Below(4); n > 0; --n) MutateOnce(input, seeds, rng);
    if (input.size() > kMaxMutatedBytes) input.resize(kMaxMutatedBytes);
    Run(input);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu seeds and %ld mutations run in %.1f s\n", seeds.size(), mutations, seconds);
  return 0;
}
