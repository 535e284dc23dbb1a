#include "multipart.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <exception>
#include <iterator>
#include <sstream>
#include <utility>

namespace beian::api::internal {
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
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection disp;
      Poco::Net::MessageHeader::splitParameters(
          header.get("Content-Disposition", ""), disposition, disp);
      std::string content((std::istreambuf_iterator<char>(reader.stream())),
                          std::istreambuf_iterator<char>());
      if (disp.get("name", "") == "file") {
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
