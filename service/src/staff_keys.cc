#include "staff_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "beian/core/digest.h"
#include "beian/domain/entities.h"
#include "documents.h"

namespace beian::service {
namespace {

constexpr size_t kKeyBytes = 32;

core::Status WriteNewKey(const std::string& path) {
  BEIAN_ASSIGN_OR_RETURN(const std::string key, core::SecureRandomBytes(kKeyBytes));
  // A temporary name of this attempt's own: nodes sharing the folder may
  // start at once.
  BEIAN_ASSIGN_OR_RETURN(const std::string nonce, core::SecureRandomBytes(8));
  const std::string tmp = path + ".tmp-" + core::HexEncode(nonce);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return core::IoError("cannot create " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link, not rename: a key another process made first is never replaced.
  const bool linked = written && (::link(tmp.c_str(), path.c_str()) == 0 || errno == EEXIST);
  ::unlink(tmp.c_str());
  if (!linked) return core::IoError("cannot write " + path + ": " + std::strerror(errno));
  return core::Status::Ok();
}

core::Result<std::string> ReadKey(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::IoError("cannot read " + path + ": " + std::strerror(errno));
  char buf[kKeyBytes + 1];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    return core::FailedPrecondition(path + " is not a staff index key (" + std::to_string(kKeyBytes) + " bytes)");
  }
  return std::string(buf, kKeyBytes);
}

// An ID number as compared: ASCII, a final x made X.
std::string NormalizedIdNumber(std::string id) {
  for (char& c : id) {
    if (c == 'x') c = 'X';
  }
  return id;
}

}  // namespace

core::Result<StaffKeys> StaffKeys::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return core::IoError("cannot read " + path + ": " + std::strerror(errno));
    BEIAN_RETURN_IF_ERROR(WriteNewKey(path));
  }
  BEIAN_ASSIGN_OR_RETURN(std::string key, ReadKey(path));
  return StaffKeys(std::move(key));
}

std::vector<archive::StaffKey> StaffKeys::Of(const core::Json& data) const {
  std::vector<archive::StaffKey> keys;
  if (StringAt(data, "/enterprise/credit_code").empty()) return keys;
  std::map<std::string, std::string> by_id;  // a person listed twice is hashed once
  for (const domain::PersonAt& at : domain::PersonsIn(data)) {
    if (at.person.id_number.empty()) continue;
    const std::string id = NormalizedIdNumber(at.person.id_number);
    auto [it, added] = by_id.emplace(id, std::string());
    if (added) it->second = hmac_.Hex("beian-staff-v1\n" + id);
    keys.push_back({it->second, at.path});
  }
  return keys;
}

}  // namespace beian::service
