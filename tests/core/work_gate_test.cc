#include "beian/core/work_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace beian::core {
namespace {

using namespace std::chrono_literals;

TEST(WorkGateTest, NoMoreHoldersThanSlots) {
  WorkGate gate(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      WorkGate::Slot slot(gate);
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(5ms);
      --inside;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(most.load(), 2);
}

TEST(WorkGateTest, WaitersEnterInTheOrderTheyCame) {
  WorkGate gate(1);
  std::vector<int> order;
  std::mutex mu;
  std::vector<std::thread> threads;
  {
    WorkGate::Slot held(gate);
    for (int i = 0; i < 5; ++i) {
      threads.emplace_back([&, i] {
        WorkGate::Slot slot(gate);
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      });
      while (gate.Waiting() < i + 1) std::this_thread::sleep_for(1ms);  // queued before the next starts
    }
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(gate.Waiting(), 0);
}

}  // namespace
}  // namespace beian::core
