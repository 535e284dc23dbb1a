#include "multipart.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <exception>
#include <iterator>
#include <sstream>
#include <string_view>
#include <utility>

namespace beian::api::internal {
namespace {

// The read position of `in`'s buffer, which Poco reads a character at a time.
size_t Position(std::istream& in) {
  return static_cast<size_t>(in.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in));
}

// True iff `consumed`, the bytes Poco read for a part, are `content` and then a delimiter line:
// CRLF or LF, "--", the boundary, then CRLF, LF or "--". Poco's MultipartReader also ends a part
// at the end of the body, and then appends the end-of-file value to it as a byte 0xFF: a body cut
// short would be taken for a whole file with one byte more.
bool EndsAtDelimiter(std::string_view consumed, std::string_view content, const std::string& boundary) {
  if (consumed.substr(0, content.size()) != content) return false;
  std::string_view tail = consumed.substr(content.size());
  if (tail.substr(0, 2) == "\r\n") {
    tail.remove_prefix(2);
  } else if (tail.substr(0, 1) == "\n") {
    tail.remove_prefix(1);
  } else {
    return false;
  }
  if (tail.substr(0, 2) != "--" || tail.substr(2, boundary.size()) != boundary) return false;
  tail.remove_prefix(2 + boundary.size());
  return tail == "\r\n" || tail == "\n" || tail == "--";
}

}  // namespace

std::optional<Upload> ReadMultipart(const Request& req, std::string* error) {
  try {
    std::istringstream in(req.body());
    const std::string* type = req.Header("Content-Type");
    std::string media;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(*type, media, params);
    const std::string boundary = params.get("boundary", "");
    if (boundary.empty()) {
      *error = "multipart body without a boundary";
      return std::nullopt;
    }
    Poco::Net::MultipartReader reader(in, boundary);
    size_t read_to = 0;
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection disp;
      Poco::Net::MessageHeader::splitParameters(
          header.get("Content-Disposition", ""), disposition, disp);
      const size_t start = Position(in);
      std::string content((std::istreambuf_iterator<char>(reader.stream())),
                          std::istreambuf_iterator<char>());
      // At the end of a body whose last byte is 0xFF, Poco puts the end-of-file value back into
      // the body as that byte, reads it again and finds another empty part there, forever
      // ("--B\n\n\xff"). A part always takes some bytes; one that takes none ends the reading.
      if (Position(in) <= read_to) {
        *error = "malformed multipart body: it ends without a closing boundary";
        return std::nullopt;
      }
      read_to = Position(in);
      if (disp.get("name", "") == "file") {
        const std::string_view body = req.body();
        if (!EndsAtDelimiter(body.substr(start, Position(in) - start), content, boundary)) {
          *error = "multipart body ends inside the part \"file\" (no boundary after it)";
          return std::nullopt;
        }
        return Upload{std::move(content), disp.get("filename", "")};
      }
    }
    *error = "multipart body has no part named \"file\"";
  } catch (const std::exception& e) {
    *error = std::string("malformed multipart body: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace beian::api::internal
