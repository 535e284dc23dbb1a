// One person, one enterprise (挂证), without more plain ID numbers: each
// person of a document is indexed by HMAC-SHA256 of the ID number under a key
// kept beside the catalog, never inside it. Whoever can read the catalog alone
// cannot turn the index back into ID numbers or test a guess.
#ifndef BEIAN_SERVICE_SRC_STAFF_KEYS_H_
#define BEIAN_SERVICE_SRC_STAFF_KEYS_H_

#include <string>
#include <vector>

#include "beian/archive/records.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::service {

class StaffKeys {
 public:
  // The key in `path`, made (32 random bytes, mode 0600) when the file does
  // not exist. kFailedPrecondition for a file that is not such a key.
  static core::Result<StaffKeys> Open(const std::string& path);

  // The keys of the persons the enterprise maintains in `data` (its legal
  // representative, staff and project managers) with the JSON Pointer of each
  // person; persons without an ID number are skipped. A document without a
  // credit code has none.
  std::vector<archive::StaffKey> Of(const core::Json& data) const;

 private:
  explicit StaffKeys(const std::string& key) : hmac_(key) {}
  core::HmacSha256 hmac_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_STAFF_KEYS_H_
