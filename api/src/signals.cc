#include <pthread.h>
#include <signal.h>

#include <cstring>

#include "beian/api/server.h"

namespace beian::api {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

core::Status BlockTerminationSignals() {
  sigset_t set = TerminationSignals();
  int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (rc != 0) {
    return core::Internal(std::string("pthread_sigmask: ") + std::strerror(rc));
  }
  return core::Status::Ok();
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  while (true) {
    int signal = 0;
    if (sigwait(&set, &signal) == 0) return signal;
  }
}

}  // namespace beian::api
