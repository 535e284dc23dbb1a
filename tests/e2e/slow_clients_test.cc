// Slow and idle clients against the real server (regression: 20 connections
// sending one header byte every few seconds left /healthz unanswered for
// 60 s). Twenty connections trickle their headers, trickle their body or sit
// idle between keep-alive requests, reconnecting whenever the server closes
// them; meanwhile /healthz, asked by another client, must stay fast, and each
// slow connection must be closed at its own deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "process.h"

namespace beian::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Short deadlines keep the test fast; the server is configured with these.
constexpr milliseconds kHeaderTimeout(2500);
constexpr milliseconds kKeepAlive(2500);
constexpr int kMinBodyRate = 1000;         // bytes per second
constexpr milliseconds kBodyWindow(1500);  // the first 1,500 bytes by then
// How late a close may come: the server's timer granularity plus a loaded
// machine.
constexpr milliseconds kSlack(1000);
// Between two bytes of a trickling client.
constexpr milliseconds kTrickle(200);

enum class Kind { kHeaders, kBody, kIdle };

const char* Name(Kind kind) {
  switch (kind) {
    case Kind::kHeaders:
      return "trickling headers";
    case Kind::kBody:
      return "trickling body";
    case Kind::kIdle:
      return "idle keep-alive";
  }
  return "";
}

// One connection of a slow client, from its slow part to the server's close.
struct Round {
  Kind kind;
  milliseconds lasted{0};
  int status = 0;  // of the server's last answer on it, 0 if none
  std::string answer;
};

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
      0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Reads what is there within `wait`; false once the server has closed.
bool ReadSome(int fd, std::string& into, milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return true;
  char buffer[4096];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) return false;
  into.append(buffer, static_cast<size_t>(n));
  return true;
}

int StatusOf(const std::string& answer) {
  if (answer.compare(0, 9, "HTTP/1.1 ") != 0 || answer.size() < 12) return 0;
  return std::atoi(answer.substr(9, 3).c_str());
}

// A slow client: one connection after another until `stop`, each recorded
// once the server ends it.
void SlowClient(uint16_t port, Kind kind, const std::atomic<bool>& stop,
                std::mutex& mu, std::vector<Round>& rounds) {
  while (!stop) {
    const int fd = Connect(port);
    if (fd < 0) return;
    Round round;
    round.kind = kind;
    bool open = true;
    Clock::time_point start = Clock::now();
    switch (kind) {
      case Kind::kHeaders:
        open = SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        break;
      case Kind::kBody:
        open = SendAll(fd,
                       "POST /v1/documents HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 100000\r\n\r\n[");
        break;
      case Kind::kIdle: {
        // One request, then nothing: the idle time starts with the answer.
        open = SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        std::string first;
        while (open && !stop &&
               first.find("{\"status\":\"ok\"}") == std::string::npos) {
          open = ReadSome(fd, first, milliseconds(100));
        }
        EXPECT_EQ(StatusOf(first), 200) << first;
        start = Clock::now();
        break;
      }
    }
    while (open && !stop) {
      const size_t before = round.answer.size();
      open = ReadSome(fd, round.answer, kTrickle);
      if (!open || round.answer.size() > before) continue;  // answered: read on
      if (kind == Kind::kHeaders) open = SendAll(fd, "a");
      if (kind == Kind::kBody) open = SendAll(fd, "0123456789");
      if (!open) {
        // The server closed meanwhile; what it said may still be readable.
        while (ReadSome(fd, round.answer, milliseconds(100))) {
        }
      }
    }
    ::close(fd);
    if (stop && open) return;  // cut short by the test, not by the server
    round.lasted =
        std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    round.status = StatusOf(round.answer);
    std::lock_guard<std::mutex> lock(mu);
    rounds.push_back(round);
  }
}

TEST(SlowClientsTest, TwentySlowClientsDoNotDelayHealthzAndAreClosedOnTime) {
  beian::testing::TempDir dir;
  const std::string config = dir.File("serve.json");
  {
    std::ofstream out(config);
    out << "{\"header_timeout_ms\": " << kHeaderTimeout.count()
        << ", \"keep_alive_timeout_ms\": " << kKeepAlive.count()
        << ", \"min_body_bytes_per_second\": " << kMinBodyRate
        << ", \"body_rate_window_ms\": " << kBodyWindow.count()
        << ", \"receive_timeout_ms\": 20000}";
  }
  BeianServer server(dir.path() + "/var", {"--config", config});
  ASSERT_NE(server.port(), 0) << server.Stderr();

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Round> rounds;
  std::vector<std::thread> slow;
  const Kind kinds[] = {Kind::kHeaders, Kind::kBody, Kind::kIdle};
  for (int i = 0; i < 20; ++i) {
    slow.emplace_back(SlowClient, server.port(), kinds[i % 3], std::cref(stop),
                      std::ref(mu), std::ref(rounds));
  }
  std::this_thread::sleep_for(milliseconds(300));  // all of them connected

  // /healthz from a keep-alive connection and from new connections, in
  // turn, for twice the longest deadline.
  beian::testing::HttpClient kept(server.port());
  std::vector<double> latency_ms;
  int not_ok = 0;
  const auto end = Clock::now() + 2 * kHeaderTimeout;
  for (int i = 0; Clock::now() < end; ++i) {
    const auto t0 = Clock::now();
    beian::testing::HttpReply reply =
        i % 2 == 0 ? kept.Get("/healthz")
                   : beian::testing::HttpClient(server.port()).Get("/healthz");
    latency_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (reply.status != 200) ++not_ok;
    std::this_thread::sleep_for(milliseconds(10));
  }
  stop = true;
  for (std::thread& thread : slow) thread.join();

  const double p50 = Quantile(latency_ms, 0.5);
  const double p99 = Quantile(latency_ms, 0.99);
  std::printf(
      "healthz under 20 slow clients: %zu requests, p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms\n",
      latency_ms.size(), p50, p99, latency_ms.back());
  EXPECT_EQ(not_ok, 0);
  EXPECT_GE(latency_ms.size(), 100u);
  EXPECT_LE(p99, 100.0);

  // Every slow connection was ended by the server at its deadline.
  int ended[3] = {0, 0, 0};
  for (const Round& r : rounds) {
    ++ended[static_cast<int>(r.kind)];
    const milliseconds deadline = r.kind == Kind::kHeaders ? kHeaderTimeout
                                  : r.kind == Kind::kBody  ? kBodyWindow
                                                           : kKeepAlive;
    EXPECT_GE(r.lasted, deadline - milliseconds(100)) << Name(r.kind);
    EXPECT_LE(r.lasted, deadline + kSlack) << Name(r.kind);
    if (r.kind == Kind::kIdle) {
      EXPECT_EQ(r.answer, "") << Name(r.kind);  // closed quietly
    } else {
      EXPECT_EQ(r.status, 408) << Name(r.kind) << ": " << r.answer;
      EXPECT_NE(r.answer.find("\"code\":\"request_timeout\""),
                std::string::npos)
          << r.answer;
    }
  }
  // In 5 s each client saw at least one deadline.
  EXPECT_GE(ended[static_cast<int>(Kind::kHeaders)], 7);
  EXPECT_GE(ended[static_cast<int>(Kind::kBody)], 7);
  EXPECT_GE(ended[static_cast<int>(Kind::kIdle)], 6);

  EXPECT_EQ(kept.Get("/healthz").status, 200);
  EXPECT_EQ(server.Terminate(), 0) << server.Stderr();
}

}  // namespace
}  // namespace beian::e2e
