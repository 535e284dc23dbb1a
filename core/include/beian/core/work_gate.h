#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace beian::core {

// Admits at most `slots` holders at a time, in the order they asked (a
// ticket queue): work that costs a core or a process each (e.g. inspecting
// uploads) is bounded, and the oldest waiting request goes first.
class WorkGate {
 public:
  explicit WorkGate(int slots) : slots_(slots < 1 ? 1 : slots) {}
  WorkGate(const WorkGate&) = delete;
  WorkGate& operator=(const WorkGate&) = delete;

  // A slot while in scope.
  class Slot {
   public:
    explicit Slot(WorkGate& gate) : gate_(&gate) { gate_->Enter(); }
    ~Slot() {
      if (gate_ != nullptr) gate_->Leave();
    }
    Slot(Slot&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;

   private:
    WorkGate* gate_;
  };

  int slots() const { return slots_; }
  // Callers waiting for a slot now.
  int Waiting();

 private:
  void Enter();
  void Leave();

  const int slots_;
  std::mutex mu_;
  std::condition_variable turn_;
  uint64_t next_ticket_ = 0;  // the ticket the next caller draws
  uint64_t left_ = 0;         // holders that have left; ticket t enters once t < left_ + slots_
};

}  // namespace beian::core
