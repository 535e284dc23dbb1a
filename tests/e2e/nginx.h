// Debian's nginx in front of several `beian serve` nodes, for the multi-node
// test and the HTTP benchmark.
#ifndef BEIAN_TESTS_E2E_NGINX_H_
#define BEIAN_TESTS_E2E_NGINX_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace beian::e2e {

// Runs /usr/sbin/nginx with a configuration of its own in `dir`, listening on
// a free port of 127.0.0.1 and balancing over `upstreams` (ports of
// 127.0.0.1): a request that fails on a node (refused, reset, 502/503) is
// passed to the next one, POST included, which clients make safe by sending
// an Idempotency-Key. port() is 0 if it did not start answering within 5 s.
class Nginx {
 public:
  Nginx(const std::string& dir, const std::vector<uint16_t>& upstreams);
  // Stops it (SIGQUIT: finishes the requests in flight).
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  uint16_t port() const { return port_; }
  // What nginx logged (warnings and errors).
  std::string ErrorLog() const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace beian::e2e

#endif  // BEIAN_TESTS_E2E_NGINX_H_
