// The incremental request parser, fed as a slow or pipelining client would:
// byte by byte, in odd pieces, several requests at once.

#include "request_reader.h"

#include <string>

#include "gtest/gtest.h"

namespace beian::api::internal {
namespace {

using State = RequestReader::State;

RequestLimits SmallLimits() {
  RequestLimits limits;
  limits.max_line_bytes = 128;
  limits.max_header_bytes = 256;
  limits.max_header_count = 8;
  limits.max_body_bytes = 64;
  return limits;
}

// Feeds `bytes` one at a time, calling BeginBody when the head is done;
// stops at kDone or kFailed.
void FeedByteByByte(RequestReader& reader, const std::string& bytes) {
  for (char c : bytes) {
    reader.Append(std::string_view(&c, 1));
    if (reader.state() == State::kHeadDone) reader.BeginBody();
    if (reader.state() == State::kDone || reader.state() == State::kFailed) {
      return;
    }
  }
}

const std::string* Find(const Fields& fields, const std::string& name) {
  for (const auto& [n, v] : fields) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

TEST(RequestReaderTest, ReadsARequestByteByByte) {
  RequestReader reader(SmallLimits());
  EXPECT_EQ(reader.state(), State::kIdle);
  reader.Append("\r\n");  // empty lines before a request are skipped
  EXPECT_EQ(reader.state(), State::kIdle);
  FeedByteByByte(reader,
                 "POST /v1/raw?x=1 HTTP/1.1\r\nHost: a\r\n"
                 "Content-Length: 5\r\nX-Two: b\r\n\r\nhello");
  ASSERT_EQ(reader.state(), State::kDone);
  EXPECT_EQ(reader.head().method, "POST");
  EXPECT_EQ(reader.head().uri, "/v1/raw?x=1");
  EXPECT_EQ(reader.head().version, "HTTP/1.1");
  EXPECT_TRUE(reader.head().keep_alive);
  ASSERT_NE(Find(reader.head().headers, "x-two"), nullptr);
  EXPECT_EQ(*Find(reader.head().headers, "x-two"), "b");
  EXPECT_TRUE(reader.expects_body());
  EXPECT_EQ(reader.TakeBody(), "hello");
}

TEST(RequestReaderTest, WaitsInEachStateUntilTheBytesCome) {
  RequestReader reader(SmallLimits());
  reader.Append("GET /a HT");
  EXPECT_EQ(reader.state(), State::kHead);
  reader.Append("TP/1.1\r\nHost: a\r\n");
  EXPECT_EQ(reader.state(), State::kHead);
  reader.Append("\r\n");
  ASSERT_EQ(reader.state(), State::kHeadDone);
  reader.BeginBody();
  EXPECT_EQ(reader.state(), State::kDone);
  EXPECT_FALSE(reader.expects_body());
}

TEST(RequestReaderTest, PipelinedRequestsComeOneAfterAnother) {
  RequestReader reader(SmallLimits());
  reader.Append(
      "POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /two HTTP/1.0\r\n\r\n"
      "GET /thr");
  ASSERT_EQ(reader.state(), State::kHeadDone);
  reader.BeginBody();
  ASSERT_EQ(reader.state(), State::kDone);
  EXPECT_EQ(reader.TakeBody(), "abc");
  EXPECT_GT(reader.buffered(), 0u);

  reader.Next();
  ASSERT_EQ(reader.state(), State::kHeadDone);
  EXPECT_EQ(reader.head().uri, "/two");
  EXPECT_EQ(reader.head().version, "HTTP/1.0");
  EXPECT_FALSE(reader.head().keep_alive);
  reader.BeginBody();
  ASSERT_EQ(reader.state(), State::kDone);

  reader.Next();
  EXPECT_EQ(reader.state(), State::kHead);
  reader.Append("ee HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(reader.state(), State::kHeadDone);
  EXPECT_EQ(reader.head().uri, "/three");
}

TEST(RequestReaderTest, ChunkedBodyWithExtensionsAndTrailer) {
  RequestReader reader(SmallLimits());
  FeedByteByByte(reader,
                 "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5;name=value\r\nhello\r\n"
                 "1\r\n,\r\n"
                 "A\r\n0123456789\r\n"
                 "0\r\nX-Trailer: t\r\n\r\n"
                 "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(reader.state(), State::kDone);
  EXPECT_EQ(reader.TakeBody(), "hello,0123456789");
  EXPECT_EQ(reader.buffered(), 0u);  // byte by byte: stopped at the end
}

TEST(RequestReaderTest, ChunkedBodyInOnePieceLeavesTheNextRequest) {
  RequestReader reader(SmallLimits());
  reader.Append(
      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(reader.state(), State::kHeadDone);
  reader.BeginBody();
  ASSERT_EQ(reader.state(), State::kDone);
  EXPECT_EQ(reader.TakeBody(), "abc");
  reader.Next();
  ASSERT_EQ(reader.state(), State::kHeadDone);
  EXPECT_EQ(reader.head().uri, "/next");
}

TEST(RequestReaderTest, RequestLineOverTheLimitIs414BeforeItEnds) {
  RequestReader reader(SmallLimits());
  reader.Append("GET /" + std::string(200, 'a'));  // no line end yet
  ASSERT_EQ(reader.state(), State::kFailed);
  EXPECT_EQ(reader.failure().status, 414);
  EXPECT_EQ(reader.failure().code, "url_too_long");

  // Exactly at the limit (line end included) is fine.
  RequestReader exact(SmallLimits());
  std::string line = "GET /" + std::string(128 - 16, 'b') + " HTTP/1.1\r\n";
  ASSERT_EQ(line.size(), 128u);
  exact.Append(line + "Host: x\r\n\r\n");
  EXPECT_EQ(exact.state(), State::kHeadDone);
}

TEST(RequestReaderTest, HeaderFieldsOverTheLimitAre431BeforeTheyEnd) {
  RequestReader reader(SmallLimits());
  reader.Append("GET / HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i < 30 && reader.state() == State::kHead; ++i) {
    reader.Append("X-Filler: 0123456789\r\n");
  }
  ASSERT_EQ(reader.state(), State::kFailed);
  EXPECT_EQ(reader.failure().status, 431);
  EXPECT_EQ(reader.failure().code, "headers_too_large");

  RequestReader many(SmallLimits());  // 8 fields at most
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 9; ++i) request += "X-" + std::to_string(i) + ": 1\r\n";
  many.Append(request + "\r\n");
  ASSERT_EQ(many.state(), State::kFailed);
  EXPECT_EQ(many.failure().status, 431);
}

TEST(RequestReaderTest, MalformedHeadIs400) {
  RequestReader reader(SmallLimits());
  reader.Append("BLAH\r\n\r\n");
  ASSERT_EQ(reader.state(), State::kFailed);
  EXPECT_EQ(reader.failure().status, 400);
  EXPECT_EQ(reader.failure().code, "bad_request");
}

// Header fields a lenient parser reads one way and a proxy another are
// refused whole: how requests are smuggled.
TEST(RequestReaderTest, AmbiguousHeaderFieldsAre400) {
  const char* heads[] = {
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",               // space before the colon
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n",  // obs-fold
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n",   // a control character
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n",    // DEL
      "GET / HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n",      // not a token
      "GET / HTTP/1.1\r\n\r\n",                            // HTTP/1.1 without Host
      "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",        // two Hosts
  };
  for (const char* head : heads) {
    RequestReader reader(SmallLimits());
    reader.Append(head);
    ASSERT_EQ(reader.state(), State::kFailed) << head;
    EXPECT_EQ(reader.failure().status, 400) << head;
    EXPECT_EQ(reader.failure().code, "bad_request") << head;
  }
  std::string nul = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a";
  nul += '\0';
  nul += "b\r\n\r\n";
  RequestReader with_nul(SmallLimits());
  with_nul.Append(nul);
  EXPECT_EQ(with_nul.state(), State::kFailed);
  // HTTP/1.0 needs no Host; a tab in a value and bytes over 0x7F are fine.
  RequestReader old(SmallLimits());
  old.Append("GET / HTTP/1.0\r\nX-A: a\tb \xE4\xB8\xAD\r\n\r\n");
  EXPECT_EQ(old.state(), State::kHeadDone);
}

TEST(RequestReaderTest, FramingErrors) {
  struct Case {
    std::string headers;
    int status;
    std::string code;
  };
  const Case cases[] = {
      {"Content-Length: 65\r\n", 413, "body_too_large"},
      {"Content-Length: 1x\r\n", 400, "bad_request"},
      {"Content-Length: -1\r\n", 400, "bad_request"},
      {"Content-Length: 3\r\nContent-Length: 4\r\n", 400, "bad_request"},
      {"Transfer-Encoding: gzip\r\n", 501, "unsupported_transfer_encoding"},
      {"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", 400,
       "bad_request"},
  };
  for (const Case& c : cases) {
    RequestReader reader(SmallLimits());
    reader.Append("POST /x HTTP/1.1\r\nHost: x\r\n" + c.headers + "\r\n");
    ASSERT_EQ(reader.state(), State::kHeadDone) << c.headers;
    reader.BeginBody();
    ASSERT_EQ(reader.state(), State::kFailed) << c.headers;
    EXPECT_EQ(reader.failure().status, c.status) << c.headers;
    EXPECT_EQ(reader.failure().code, c.code) << c.headers;
  }
  // At the limit is fine.
  RequestReader ok(SmallLimits());
  ok.Append("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n");
  ok.BeginBody();
  EXPECT_EQ(ok.state(), State::kBody);
}

TEST(RequestReaderTest, ChunkedErrors) {
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  struct Case {
    std::string body;
    int status;
  };
  const Case cases[] = {
      {"zz\r\n", 400},     // not a size
      {"3\r\nabcX", 400},  // no CRLF after the data
      {"41\r\n", 413},     // one chunk over 64
      {"40\r\n" + std::string(64, 'a') + "\r\n1\r\n", 413},  // in total
      {"FFFFFFFFFFFFFFFFFFFF\r\n", 413},                     // would overflow
      {std::string(5000, '1'), 400},  // size line never ends
  };
  for (const Case& c : cases) {
    RequestReader reader(SmallLimits());
    reader.Append(head);
    reader.BeginBody();
    reader.Append(c.body);
    ASSERT_EQ(reader.state(), State::kFailed) << c.body.substr(0, 40);
    EXPECT_EQ(reader.failure().status, c.status) << c.body.substr(0, 40);
  }
}

}  // namespace
}  // namespace beian::api::internal
