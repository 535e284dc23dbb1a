// Fuzzes what the console's server side reads from a request or prints for
// anyone: the session cookie among a Cookie header's pairs
// (api/src/authentication.h), and the public verification page
// (api/src/console.h) with every text of the check taken from the input.
// A cookie's value is a substring of the header; the page holds no tag the
// input brought in (every '<' it prints is its own), whatever the text.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "authentication.h"
#include "console.h"
#include "fuzz_support.h"

namespace {

// The input cut at NUL bytes into at most `n` pieces.
std::vector<std::string> Pieces(std::string_view input, size_t n) {
  std::vector<std::string> out;
  while (out.size() + 1 < n) {
    const size_t cut = input.find('\0');
    if (cut == std::string_view::npos) break;
    out.emplace_back(input.substr(0, cut));
    input.remove_prefix(cut + 1);
  }
  out.emplace_back(input);
  out.resize(n);
  return out;
}

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace beian::api::internal;  // NOLINT: the parts under test
  const std::string input(beian::fuzz::Bytes(data, size));
  const std::vector<std::string> p = Pieces(input, 8);

  beian::api::Request req;
  req.AddHeader("Cookie", p[0]);
  const std::string value = CookieValue(req, kSessionCookie);
  beian::fuzz::Check(value.empty() || p[0].find(value) != std::string::npos, "a cookie value not in the header");

  beian::service::PublicCheck c;
  c.number = p[1];
  c.title = p[2];
  c.issuer = p[3];
  c.enterprise_name = p[3];
  c.project_name = p[4];
  c.status = (size % 3 == 0) ? "revoked" : (size % 3 == 1) ? "refused" : "filed";
  c.status_label = "已备案";
  c.status_reason = p[5];
  c.status_date = p[6];
  c.issued_at = p[6];
  c.filing_number = p[7];
  c.sha256 = std::string(64, 'a');
  c.sm3 = std::string(64, 'b');
  const std::string page = PublicCheckPage(c, p[6]);
  beian::service::PublicCheck plain = c;
  for (std::string* text : {&plain.number, &plain.title, &plain.issuer, &plain.enterprise_name, &plain.project_name,
                            &plain.status_reason, &plain.status_date, &plain.issued_at, &plain.filing_number}) {
    if (!text->empty()) *text = "x";  // the same sections shown, no text of the input
  }
  const std::string template_page = PublicCheckPage(plain, "x");
  beian::fuzz::Check(Count(page, "<") == Count(template_page, "<"), "the page holds a tag the input brought in");
  return 0;
}
