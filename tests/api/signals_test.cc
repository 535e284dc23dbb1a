#include <pthread.h>
#include <signal.h>

#include "beian/api/server.h"
#include "gtest/gtest.h"

namespace beian::api {
namespace {

// Signals are sent to this thread only (pthread_kill), so no other thread of
// the test process can be hit by the default action.
TEST(SignalsTest, WaitForTerminationSignalReturnsTheSignal) {
  sigset_t old_mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &old_mask);
  ASSERT_TRUE(BlockTerminationSignals().ok());
  sigset_t now;
  pthread_sigmask(SIG_SETMASK, nullptr, &now);
  EXPECT_TRUE(sigismember(&now, SIGTERM));
  EXPECT_TRUE(sigismember(&now, SIGINT));

  pthread_kill(pthread_self(), SIGTERM);
  EXPECT_EQ(WaitForTerminationSignal(), SIGTERM);
  pthread_kill(pthread_self(), SIGINT);
  EXPECT_EQ(WaitForTerminationSignal(), SIGINT);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
}

}  // namespace
}  // namespace beian::api
