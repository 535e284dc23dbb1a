// What the fuzz harnesses share: how a broken property is reported, and where the source tree is.
#ifndef BEIAN_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define BEIAN_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace beian::fuzz {

// Reports a broken property and aborts: libFuzzer saves the input as a crash, and the smoke test
// fails. Used instead of assert(), which Release builds compile out.
[[noreturn]] inline void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Aborts with `what` unless `condition` holds.
inline void Check(bool condition, const char* what) {
  if (!condition) Fail(what);
}

// The fuzz input as bytes.
inline std::string_view Bytes(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace beian::fuzz

#endif  // BEIAN_TESTS_FUZZ_FUZZ_SUPPORT_H_
