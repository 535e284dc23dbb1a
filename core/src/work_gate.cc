#include "beian/core/work_gate.h"

#include <algorithm>

namespace beian::core {

void WorkGate::Enter() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;
  turn_.wait(lock, [&] { return ticket < left_ + static_cast<uint64_t>(slots_); });
}

void WorkGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++left_;
  }
  turn_.notify_all();
}

int WorkGate::Waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t admitted = std::min(next_ticket_, left_ + static_cast<uint64_t>(slots_));
  return static_cast<int>(next_ticket_ - admitted);
}

}  // namespace beian::core
