// The part "file" of a multipart/form-data upload, as the scan routes read it.

#include "multipart.h"

#include <unistd.h>

#include <optional>
#include <string>

#include "beian/api/request.h"
#include "gtest/gtest.h"

namespace beian::api::internal {
namespace {

Request Form(const std::string& content_type, const std::string& body) {
  Request req;
  req.set_method("POST");
  req.AddHeader("Content-Type", content_type);
  req.set_body(body);
  return req;
}

TEST(MultipartTest, ReadsThePartNamedFile) {
  const Request req = Form("multipart/form-data; boundary=XyZ",
                           "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
                           "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
                           "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\nbytes\r\n--XyZ--\r\n");
  std::string error;
  const std::optional<Upload> upload = ReadMultipart(req, &error);
  ASSERT_TRUE(upload.has_value()) << error;
  EXPECT_EQ(upload->bytes, "%PDF-1.4\r\nbytes");
  EXPECT_EQ(upload->name, "scan.pdf");
}

TEST(MultipartTest, PartEndsAtAnyDelimiterLine) {
  for (const char* end : {"\r\n--b\r\n", "\n--b\n", "\r\n--b--", "\n--b--\r\nepilogue"}) {
    const Request req =
        Form("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nabc" +
                                                    std::string(end));
    std::string error;
    const std::optional<Upload> upload = ReadMultipart(req, &error);
    ASSERT_TRUE(upload.has_value()) << end << ": " << error;
    EXPECT_EQ(upload->bytes, "abc");
  }
}

// Found by fuzzing: Poco's MultipartReader ends a part at the end of the body too, and appends the
// end-of-file value to it as a byte 0xFF, so a body cut short was read as a whole file with one
// byte more ("bo\n\xff" below).
TEST(MultipartTest, BodyCutShortInsideTheFilePartIsRefused) {
  for (const char* body : {"--L\nContent-Disposition: form-data; name=\"file\"\n\nbo\n",
                           "--L\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nbo\r\n--L",
                           "--L\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nbo"}) {
    std::string error;
    EXPECT_FALSE(ReadMultipart(Form("multipart/form-data; boundary=L", body), &error).has_value()) << body;
    EXPECT_NE(error.find("no boundary after it"), std::string::npos) << error;
  }
}

// Found by fuzzing: a body whose last byte is 0xFF, after a part, made Poco's MultipartReader find
// an empty part at its end again and again, and ReadMultipart never returned (a request thread
// spun forever). The alarm turns a hang into a failure.
TEST(MultipartTest, BodyEndingInByteFFIsRefusedNotReadForever) {
  alarm(10);
  for (const char* body : {"--B\n\n\xff", "--B\r\nA: b\r\n\r\n\xff",
                           "--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\xff"}) {
    std::string error;
    EXPECT_FALSE(ReadMultipart(Form("multipart/form-data; boundary=B", body), &error).has_value()) << body;
    EXPECT_EQ(error, "malformed multipart body: it ends without a closing boundary") << body;
  }
  alarm(0);
}

TEST(MultipartTest, RefusesABodyWithoutBoundaryOrFilePart) {
  std::string error;
  EXPECT_FALSE(ReadMultipart(Form("multipart/form-data", "--a\r\n\r\n--a--\r\n"), &error).has_value());
  EXPECT_EQ(error, "multipart body without a boundary");
  EXPECT_FALSE(ReadMultipart(Form("multipart/form-data; boundary=a",
                                  "--a\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--a--\r\n"),
                             &error)
                   .has_value());
  EXPECT_EQ(error, "multipart body has no part named \"file\"");
}

}  // namespace
}  // namespace beian::api::internal
