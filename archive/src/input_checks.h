// Checks on what callers hand the archive, shared by implementations.
#ifndef BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_
#define BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_

#include <string_view>

#include "beian/archive/records.h"
#include "beian/core/status.h"

namespace beian::archive {

// True iff `text` is "YYYY-MM-DDTHH:MM:SS", optionally ".fraction", then
// "+08:00", with plausible field values.
bool IsBeijingTime(std::string_view text);

// True iff `text` contains a 居民身份证号码 (GB 11643: 17 digits and a check
// character that matches, a province code and a plausible birth date) not
// embedded in a longer run of letters and digits.
bool ContainsIdNumber(std::string_view text);

// kInvalidArgument naming `field` if `value` contains an ID number: catalog
// columns are indexed and shown in lists, where ID numbers must never appear.
core::Status CheckNoIdNumber(std::string_view field, std::string_view value);

// kInvalidArgument naming the first thing wrong with a document to ingest
// (except the number's district, which needs the catalog's rules).
core::Status CheckNewDocument(const NewDocument& document);

// kInvalidArgument unless `action` is lowercase ASCII words joined by '-'.
core::Status CheckActionName(std::string_view action);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_
