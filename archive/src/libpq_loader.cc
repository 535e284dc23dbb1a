#include "libpq_loader.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace beian::archive {
namespace {

Libpq loaded;
core::Status outcome;
std::once_flag once;

template <typename F>
bool Resolve(void* library, const char* name, F* into, std::string& missing) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    missing += std::string(missing.empty() ? "" : ", ") + name;
    return false;
  }
  *into = reinterpret_cast<F>(symbol);
  return true;
}

core::Status Load() {
  void* library = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    return core::FailedPrecondition(std::string("a catalog on PostgreSQL needs libpq (Debian package libpq5): ") +
                                    (why != nullptr ? why : "libpq.so.5 not found"));
  }
  std::string missing;
#define BEIAN_RESOLVE(name) Resolve(library, #name, &loaded.name, missing);
  BEIAN_LIBPQ_FUNCTIONS(BEIAN_RESOLVE)
#undef BEIAN_RESOLVE
  if (!missing.empty()) {
    return core::FailedPrecondition("libpq.so.5 lacks " + missing);
  }
  return core::Status::Ok();  // kept loaded for the life of the process
}

}  // namespace

core::Status LoadLibpq() {
  std::call_once(once, [] { outcome = Load(); });
  return outcome;
}

const Libpq& Pq() { return loaded; }

}  // namespace beian::archive
