#include "nginx.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "http_client.h"

namespace beian::e2e {
namespace {

// A port of 127.0.0.1 nobody listens on now.
uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

Nginx::Nginx(const std::string& dir, const std::vector<uint16_t>& upstreams) : dir_(dir) {
  // Run as root, nginx's workers are `nobody`: they must reach the folder of
  // their temporary files (request bodies and responses beyond the buffers).
  ::chmod(dir.c_str(), 0711);
  port_ = FreePort();
  std::string servers;
  for (uint16_t p : upstreams) {
    servers += "    server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=30s;\n";
  }
  std::ofstream(dir + "/nginx.conf") << "worker_processes 2;\n"
                                        "daemon off;\n"
                                        "pid " << dir << "/nginx.pid;\n"
                                        "error_log " << dir << "/error.log warn;\n"
                                        "events { worker_connections 1024; }\n"
                                        "http {\n"
                                        "  access_log off;\n"
                                        "  client_body_temp_path " << dir << "/body;\n"
                                        "  proxy_temp_path " << dir << "/proxy;\n"
                                        "  fastcgi_temp_path " << dir << "/fastcgi;\n"
                                        "  uwsgi_temp_path " << dir << "/uwsgi;\n"
                                        "  scgi_temp_path " << dir << "/scgi;\n"
                                        "  upstream beian {\n" << servers <<
                                        "    keepalive 32;\n"
                                        "  }\n"
                                        "  server {\n"
                                        "    listen 127.0.0.1:" << port_ << ";\n"
                                        "    client_max_body_size 64m;\n"
                                        "    location / {\n"
                                        "      proxy_pass http://beian;\n"
                                        "      proxy_http_version 1.1;\n"
                                        "      proxy_set_header Connection \"\";\n"
                                        "      proxy_set_header X-Forwarded-For $remote_addr;\n"
                                        "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
                                        "      proxy_read_timeout 120s;\n"
                                        "    }\n"
                                        "  }\n"
                                        "}\n";
  pid_ = ::fork();
  if (pid_ == 0) {
    const std::string conf = dir + "/nginx.conf", error_log = dir + "/error.log";
    ::execl("/usr/sbin/nginx", "nginx", "-p", dir.c_str(), "-e", error_log.c_str(), "-c", conf.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 100; ++i) {
    if (beian::testing::HttpClient(port_).Get("/healthz").status != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  port_ = 0;
}

Nginx::~Nginx() {
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string Nginx::ErrorLog() const {
  std::ifstream in(dir_ + "/error.log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace beian::e2e
