// HTTPS: the server with a self-signed certificate made by the openssl CLI,
// and Poco's HTTPS client trusting exactly that certificate.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/HTTPSClientSession.h"
#include "Poco/Net/SSLManager.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"
#include "beian/api/server.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace beian::api {
namespace {

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/beian_api_tls_XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    key_ = dir_ + "/key.pem";
    cert_ = dir_ + "/cert.pem";
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
        "-days 1 -keyout " + key_ + " -out " + cert_ + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl CLI needed";
    Poco::Net::initializeSSL();
  }
  void TearDown() override {
    std::remove(key_.c_str());
    std::remove(cert_.c_str());
    rmdir(dir_.c_str());
    Poco::Net::uninitializeSSL();
  }

  Poco::Net::Context::Ptr ClientContext() {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                  cert_, Poco::Net::Context::VERIFY_RELAXED, 9,
                                  false);
  }

  std::string dir_, key_, cert_;
};

TEST_F(TlsTest, ServesHttpsWithTheGivenCertificate) {
  ServerConfig config;
  config.cert_file = cert_;
  config.key_file = key_;
  Metrics metrics;
  Server server(config, testing::TestRouter(&metrics), &metrics);
  ASSERT_TRUE(server.Start().ok());
  EXPECT_TRUE(server.secure());

  Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(),
                                        ClientContext());
  session.setTimeout(Poco::Timespan(5, 0));
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS
    Poco::Net::HTTPRequest request("GET", "/v1/documents/tls?page=" +
                                              std::to_string(i),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(response.getStatus(), 200);
    EXPECT_EQ(body, "{\"id\":\"tls\",\"page\":\"" + std::to_string(i) + "\"}");
    EXPECT_FALSE(response.get("X-Request-Id", "").empty());
  }
  // Plain HTTP on the HTTPS port gets no HTTP response.
  auto raw = testing::RawExchange(server.port(),
                                  "GET /v1/documents/x HTTP/1.1\r\nHost: x\r\n\r\n",
                                  std::chrono::milliseconds(3000));
  EXPECT_EQ(raw.data.rfind("HTTP/1.1 200", 0), std::string::npos);
  server.Stop();
}

// The handshake is read without blocking too: a client that starts one and
// stalls holds no worker.
TEST_F(TlsTest, AStalledHandshakeHoldsNoWorker) {
  ServerConfig config;
  config.cert_file = cert_;
  config.key_file = key_;
  config.max_threads = 1;
  Metrics metrics;
  Server server(config, testing::TestRouter(&metrics), &metrics);
  ASSERT_TRUE(server.Start().ok());
  std::vector<Poco::Net::StreamSocket> stalled(3);
  for (auto& socket : stalled) {
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    const char record_start[] = {0x16, 0x03, 0x01};  // a ClientHello begins
    socket.sendBytes(record_start, sizeof record_start);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(),
                                        ClientContext());
  session.setTimeout(Poco::Timespan(5, 0));
  Poco::Net::HTTPRequest request("GET", "/v1/documents/tls",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  EXPECT_EQ(response.getStatus(), 200);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count(),
            2000);
  server.Stop();
}

TEST_F(TlsTest, MissingKeyFileFailsToStart) {
  ServerConfig config;
  config.cert_file = cert_;
  config.key_file = dir_ + "/missing.pem";
  Server server(config, Router());
  EXPECT_EQ(server.Start().code(), core::Code::kIoError);
}

}  // namespace
}  // namespace beian::api
