// A corpus of bad input against one real `beian serve`: hostile uploads,
// malformed and oversized JSON, text outside the text policy, malformed HTTP.
// Every request gets a 4xx with a JSON error body, /healthz answers after each,
// and the server neither dies nor grows past 400 MB.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian_server.h"
#include "hostile_files.h"
#include "http_client.h"
#include "process.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::TempDir;

// Sends `request` as it is on a new connection and returns the status of the
// answer (0 if none) and its body, read until the server closes or 10 s pass.
std::pair<int, std::string> RawExchange(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    size_t sent = 0;
    while (sent < request.size()) {
      const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char buffer[8192];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (answer.compare(0, 9, "HTTP/1.1 ") != 0 || answer.size() < 12) return {0, answer};
  const size_t body = answer.find("\r\n\r\n");
  return {std::atoi(answer.substr(9, 3).c_str()), body == std::string::npos ? "" : answer.substr(body + 4)};
}

std::string Multipart(const std::string& boundary, const std::string& name, const std::string& bytes) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
         "\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
}

struct BadRequest {
  std::string what;
  std::string method, target, body, content_type;
  std::map<std::string, std::string> headers = {};
  std::string raw = {};  // sent as it is instead, when not empty
};

TEST(BadInputCorpusTest, EveryRequestIsAJson4xxAndTheServerStaysUp) {
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string admin = CreateToken(data, {"--role", "admin"});
  const std::string config = dir.path() + "/serve.json";
  std::ofstream(config) << R"({"upload_deadline_ms": 1000, "upload_memory_mb": 128})";
  BeianServer server(data, {"--config", config});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  HttpClient client(server.port(), admin);

  // One document to attach to, and real scans to spoil.
  core::Json example = client.Get("/v1/kinds/commitment-letter/example").Json();
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "commitment-letter");
  body.Set("data", example);
  HttpReply issued = client.PostJson("/v1/documents", body);
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string doc = "/v1/documents/" + std::to_string(issued.Json().Find("id")->as_int());
  const std::string copies = doc + "/submitted-copies";
  const std::string pdf = client.Get(doc + "/pdf").body;
  testing::WriteFileOrDie(dir.File("letter.pdf"), pdf);
  ASSERT_EQ(testing::Run({"pdftoppm", "-r", "40", "-jpeg", "-singlefile", dir.File("letter.pdf"), dir.File("scan")})
                .exit_code,
            0);
  const std::string jpeg = testing::ReadFileOrDie(dir.File("scan.jpg"));
  ASSERT_EQ(testing::Run({"qpdf", "--encrypt", "u", "o", "256", "--", dir.File("letter.pdf"), dir.File("locked.pdf")})
                .exit_code,
            0);
  const std::string locked = testing::ReadFileOrDie(dir.File("locked.pdf"));

  std::string png = testing::WhitePng(64, 48);
  std::string bad_crc = png;
  bad_crc[bad_crc.size() - 20] ^= 0x40;  // inside IDAT
  std::string corrupt_jpeg = jpeg;
  for (size_t i = jpeg.size() / 2; i < jpeg.size() / 2 + 64; ++i) corrupt_jpeg[i] = '\xFF';
  std::string huge_jpeg = jpeg;  // the frame header says 60000 × 60000
  const size_t sof = huge_jpeg.find("\xFF\xC0");
  if (sof != std::string::npos) huge_jpeg.replace(sof + 5, 4, std::string("\xEA\x60\xEA\x60", 4));

  auto document_with = [&](const std::string& pointer, const core::Json& value) {
    core::Json d = example;
    d.Set(pointer.substr(1), value);
    core::Json b = core::Json::MakeObject();
    b.Set("kind", "commitment-letter");
    b.Set("data", d);
    return core::WriteJson(b);
  };
  auto named = [&](const std::string& name) {
    core::Json d = example;
    d.Find("enterprise")->Set("name", name);
    core::Json b = core::Json::MakeObject();
    b.Set("kind", "commitment-letter");
    b.Set("data", d);
    return core::WriteJson(b);
  };
  std::string combining = "物";
  for (int i = 0; i < 99; ++i) combining += "\xCC\x81";  // U+0301
  std::string nested(100000, '[');
  nested += std::string(100000, ']');
  std::string many_objects = "[";
  for (int i = 0; i < 1500000; ++i) many_objects += i == 0 ? "{}" : ",{}";
  many_objects += "]";
  std::string many_keys = "{\"kind\":\"commitment-letter\",\"data\":{";
  for (int i = 0; i < 900000; ++i) many_keys += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":1";
  many_keys += "}}";
  core::Json staff = core::Json::MakeArray();
  core::Json person = core::Json::MakeObject();
  person.Set("name", "张三");
  for (int i = 0; i < 200000; ++i) staff.Push(person);
  core::Json qualification = core::Json::MakeObject();
  qualification.Set("kind", "qualification-verification");
  core::Json qdata = core::Json::MakeObject();
  qdata.Set("staff", staff);
  qualification.Set("data", qdata);
  const std::string json = "application/json";
  const std::string boundary = "b0undary";

  std::vector<BadRequest> corpus = {
      // Uploads.
      {"PDF nested 200,000 deep in an object stream", "POST", copies, testing::PdfNestedInObjectStream(200000),
       "application/pdf"},
      {"PDF with a dictionary of 1,000,000 keys", "POST", copies, testing::PdfWithLargeDictionary(1000000),
       "application/pdf"},
      {"PDF of 200,000 objects", "POST", copies, testing::PdfWithObjects(200000), "application/pdf"},
      {"PDF cut in half", "POST", copies, pdf.substr(0, pdf.size() / 2), "application/pdf"},
      {"PDF encrypted", "POST", copies, locked, "application/pdf"},
      {"empty PDF", "POST", copies, "", "application/pdf"},
      {"PDF header and nothing else", "POST", copies, "%PDF-1.7\n%%EOF\n", "application/pdf"},
      {"GIF sent as PNG", "POST", copies, "GIF89a\x01\x00\x01\x00", "image/png"},
      {"PNG declaring 100000 × 100000", "POST", copies, testing::PngDeclaring(100000, 100000), "image/png"},
      {"PNG with a bad CRC", "POST", copies, bad_crc, "image/png"},
      {"PNG cut short", "POST", copies, png.substr(0, png.size() - 30), "image/png"},
      {"RGBA PNG of 25 megapixels under a 128 MB limit", "POST", copies, testing::WhitePng(5000, 5000, true),
       "image/png"},
      {"JPEG cut short", "POST", copies, jpeg.substr(0, jpeg.size() / 3), "image/jpeg"},
      {"JPEG with spoiled image data", "POST", copies, corrupt_jpeg, "image/jpeg"},
      {"JPEG declaring 60000 × 60000", "POST", copies, huge_jpeg, "image/jpeg"},
      {"one byte", "POST", copies, "%", "application/pdf"},
      {"a scan as text/plain", "POST", copies, "hello", "text/plain"},
      {"multipart without a file part", "POST", copies, Multipart(boundary, "other", png),
       "multipart/form-data; boundary=" + boundary},
      {"multipart without its boundary", "POST", copies, Multipart(boundary, "file", png), "multipart/form-data"},
      {"multipart never closed", "POST", copies, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n",
       "multipart/form-data; boundary=" + boundary},
      {"a scan for a document that does not exist", "POST", "/v1/documents/999999/submitted-copies", png,
       "image/png"},
      // Text outside the policy.
      {"NUL in the enterprise name", "POST", "/v1/documents", named(std::string("瑞祥\0物业", 13)), json},
      {"BEL in the enterprise name", "POST", "/v1/documents", named("瑞祥\a物业"), json},
      {"ESC in the enterprise name", "POST", "/v1/documents", named("瑞祥\x1b[31m物业"), json},
      {"C1 NEL in the enterprise name", "POST", "/v1/documents", named("瑞祥\xC2\x85物业"), json},
      {"one character and 99 combining accents", "POST", "/v1/documents", named(combining), json},
      {"a name in NFD", "POST", "/v1/documents", named("Cafe\xCC\x81 物业"), json},
      {"a line feed in a one-line field", "POST", "/v1/documents", named("瑞祥\n物业"), json},
      {"a bidi override in the name (no font draws it)", "POST", "/v1/documents", named("瑞祥\xE2\x80\xAE物业"), json},
      // Malformed and oversized JSON.
      {"invalid UTF-8 in a string", "POST", "/v1/documents", "{\"kind\":\"commitment-letter\",\"data\":{\"x\":\"\xC3\x28\"}}",
       json},
      {"an overlong UTF-8 slash", "POST", "/v1/documents", "{\"kind\":\"\xC0\xAF\"}", json},
      {"a lone surrogate escape", "POST", "/v1/documents", "{\"kind\":\"\\ud800\"}", json},
      {"arrays nested 100,000 deep", "POST", "/v1/documents", nested, json},
      {"1,500,000 empty objects", "POST", "/v1/documents", many_objects, json},
      {"200,000 staff items", "POST", "/v1/documents", core::WriteJson(qualification), json},
      {"a data object of 900,000 keys", "POST", "/v1/documents", many_keys, json},
      {"JSON with trailing garbage", "POST", "/v1/documents", "{\"kind\":\"commitment-letter\"} xyz", json},
      {"a JSON array for a request", "POST", "/v1/documents", "[1,2,3]", json},
      {"a number beyond double", "POST", "/v1/documents", document_with("/signed_on", core::Json(1e308)) + "", json},
      {"1e999999", "POST", "/v1/documents", "{\"kind\":\"commitment-letter\",\"data\":{\"a\":1e999999}}", json},
      {"an unknown kind", "POST", "/v1/documents", "{\"kind\":\"fake-kind\",\"data\":{}}", json},
      {"data as a string", "POST", "/v1/documents", "{\"kind\":\"commitment-letter\",\"data\":\"x\"}", json},
      {"no data", "POST", "/v1/documents", "{\"kind\":\"commitment-letter\"}", json},
      {"JSON sent as text/plain", "POST", "/v1/documents", core::WriteJson(body), "text/plain"},
      {"an issue time from the body", "POST", "/v1/documents",
       "{\"kind\":\"commitment-letter\",\"issued_at\":\"yesterday\",\"data\":" + core::WriteJson(example) + "}", json},
      {"an Idempotency-Key with a control character", "POST", "/v1/documents", core::WriteJson(body), json,
       {{"Idempotency-Key", "key\x01"}}},
      {"an Idempotency-Key of 10 KB", "POST", "/v1/documents", core::WriteJson(body), json,
       {{"Idempotency-Key", std::string(10000, 'k')}}},
      // Lifecycle text.
      {"a revocation reason with NUL", "POST", doc + "/revoke", std::string("{\"reason\":\"a\\u0000b\"}"), json},
      {"a revocation reason of 1 MB", "POST", doc + "/revoke", "{\"reason\":\"" + std::string(1 << 20, 'x') + "\"}",
       json},
      {"a filing number with ESC", "POST", doc + "/file", "{\"filing_number\":\"\\u001b[2J\"}", json},
      {"a refusal of a document not accepted", "POST", doc + "/refuse", "{\"reason\":\"材料不全\"}", json},
      // Reads.
      {"a document id that is not a number", "GET", "/v1/documents/abc", "", ""},
      {"a document id beyond int64", "GET", "/v1/documents/99999999999999999999999", "", ""},
      {"a range past the end", "GET", doc + "/pdf", "", "", {{"Range", "bytes=99999999-"}}},
      {"a range backwards", "GET", doc + "/pdf", "", "", {{"Range", "bytes=500-100"}}},
      {"a search for a NUL", "GET", "/v1/search?q=%00%00", "", ""},
      {"a search with a bad date", "GET", "/v1/search?q=%E7%91%9E%E7%A5%A5&from=2026-13-45", "", ""},
      {"a verification with garbage", "POST", "/v1/verify", "not a pdf at all", "application/pdf"},
      {"an unknown kind's schema", "GET", "/v1/kinds/%00/schema", "", ""},
      // HTTP itself.
      {"a made-up method", "", "", "", "", {}, "FROBNICATE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"a method equal to an ID number", "", "", "", "", {},
       "110101199003078515 /v1/kinds HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"a request line of garbage", "", "", "", "", {}, "\x01\x02\x03 garbage\r\n\r\n"},
      {"a URL of 100 KB", "", "", "", "", {},
       "GET /v1/search?q=" + std::string(100000, 'a') + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"a header of 100 KB", "", "", "", "", {},
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'a') + "\r\nConnection: close\r\n\r\n"},
      {"a body announced over 20 MB", "", "", "", "", {},
       "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 22020096\r\n"
       "Connection: close\r\n\r\n{\"kind\":"},
      {"a body over 20 MB after Expect: 100-continue", "", "", "", "", {},
       "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 22020096\r\n"
       "Expect: 100-continue\r\nConnection: close\r\n\r\n"},
      {"a negative Content-Length", "", "", "", "", {},
       "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n"},
      {"Content-Length and chunked together", "", "", "", "", {},
       "POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
       "Connection: close\r\n\r\n0\r\n\r\n"},
      {"a chunk size that is not hex", "", "", "", "", {},
       "POST /v1/documents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n"},
      {"a bearer token with control characters", "", "", "", "", {},
       "GET /v1/kinds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x01\x02\r\nConnection: close\r\n\r\n"},
      {"whitespace between a header name and its colon", "", "", "", "", {},
       "GET /healthz HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n"},
      {"a NUL in a header value", "", "", "", "", {},
       std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\nConnection: close\r\n\r\n", 63)},
      {"an HTTP/1.1 request without Host", "", "", "", "", {},
       "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"},
      {"a folded header line", "", "", "", "", {},
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n"},
      {"a bearer token of 8 KB", "", "", "", "", {},
       "GET /v1/kinds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(8000, 'z') +
           "\r\nConnection: close\r\n\r\n"},
  };
  ASSERT_GE(corpus.size(), 60u);

  HttpClient health(server.port());
  for (const BadRequest& r : corpus) {
    SCOPED_TRACE(r.what);
    int status = 0;
    std::string answer;
    if (!r.raw.empty()) {
      std::tie(status, answer) = RawExchange(server.port(), r.raw);
    } else {
      HttpClient fresh(server.port(), admin);
      HttpReply reply = fresh.Send(r.method, r.target, r.body, r.content_type, r.headers);
      status = reply.status;
      answer = reply.body;
    }
    EXPECT_GE(status, 400) << answer.substr(0, 300);
    EXPECT_LT(status, 500) << answer.substr(0, 300);
    core::Result<core::Json> error = core::ParseJson(answer);
    const bool json_error = error.ok() && error->is_object() && error->Find("error") != nullptr &&
                            error->Find("error")->Find("code") != nullptr;
    EXPECT_TRUE(json_error) << answer.substr(0, 300);
    ASSERT_EQ(health.Get("/healthz").status, 200);
  }
  EXPECT_TRUE(server.Running());
  if (!kSanitizedBuild) { EXPECT_LT(server.PeakRssMb(), 400.0); }
  // Nothing of what was sent reached the metrics.
  const std::string metrics = client.Get("/metrics").body;
  EXPECT_EQ(metrics.find("110101199003078515"), std::string::npos);
  EXPECT_EQ(metrics.find("FROBNICATE"), std::string::npos);
}

}  // namespace
}  // namespace beian::e2e
