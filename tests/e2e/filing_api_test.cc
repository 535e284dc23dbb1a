// End to end: the real `beian serve` on a free loopback port, driven over
// HTTP. Every kind: create → fetch the PDF (digest) → upload a signed copy →
// search (Chinese and pinyin) → marked reprint → verify both; the QR code on
// the printed page verified without a token; access by role; a bad-input
// corpus the server survives; SIGTERM and a restart that still serves
// everything.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <chrono>
#include <thread>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "openapi_contract.h"
#include "process.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::ProcessResult;
using beian::testing::TempDir;

constexpr char kIssuedAt[] = "2026-03-02T10:00:00+08:00";
constexpr char kChaoyangEnterprise[] = "91110105798516320J";  // examples'
constexpr char kOtherEnterprise[] = "911101085906532701";     // 海淀区

std::string UrlEncode(const std::string& s) {
  std::string out;
  char buffer[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

// The response as the OpenAPI description says it may be.
void ExpectDocumented(const std::string& method, const std::string& pattern,
                      const HttpReply& reply) {
  static const core::Json* spec = [] {
    core::Result<core::Json> loaded = api::testing::LoadOpenApi();
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return new core::Json(loaded.ok() ? *loaded : core::Json());
  }();
  const core::Status documented =
      api::testing::CheckResponse(*spec, method, pattern, reply.status,
                                  reply.Header("content-type"), reply.body);
  EXPECT_TRUE(documented.ok()) << method << " " << pattern << ": "
                               << documented.ToString();
}

// One server and its tokens for the whole suite (starting it loads fonts and
// templates once).
class FilingApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    data_ = dir_->path() + "/var";
    admin_ = CreateToken(data_, {"--role", "admin", "--label", "e2e"});
    chaoyang_ = CreateToken(data_, {"--role", "enterprise", "--credit-code",
                                    kChaoyangEnterprise, "--name",
                                    "北京瑞祥恒业物业管理有限公司"});
    other_ = CreateToken(data_, {"--role", "enterprise", "--credit-code",
                                 kOtherEnterprise, "--name",
                                 "北京安和居物业服务有限公司"});
    bureau_ = CreateToken(data_, {"--role", "bureau", "--district", "海淀区",
                                  "--name", "北京市海淀区住房和城乡建设委员会"});
    server_ = new BeianServer(
        data_, {"--access-log", dir_->path() + "/access.log"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_->port(), 0) << server_->Stderr();
  }

  static HttpClient Client(const std::string& token) {
    return HttpClient(server_->port(), token);
  }

  // Creates a document of `kind` from its example as `token`; returns the
  // 201 reply's JSON (null on failure, with the test failed). The admin
  // backfills it to kIssuedAt; anyone else's is issued now.
  static core::Json Create(const std::string& kind, const std::string& token) {
    HttpClient client = Client(token);
    HttpReply example = client.Get("/v1/kinds/" + kind + "/example");
    EXPECT_EQ(example.status, 200) << example.body;
    core::Json body = core::Json::MakeObject();
    body.Set("kind", kind);
    body.Set("data", example.Json());
    if (token == admin_) body.Set("issued_at", std::string(kIssuedAt));
    HttpReply created = client.PostJson("/v1/documents", body);
    EXPECT_EQ(created.status, 201) << kind << ": " << created.body;
    ExpectDocumented("POST", "/v1/documents", created);
    ExpectDocumented("GET", "/v1/kinds/{kind}/example", example);
    return created.status == 201 ? created.Json() : core::Json();
  }

  static TempDir* dir_;
  static std::string data_;
  static std::string admin_, chaoyang_, other_, bureau_;
  static BeianServer* server_;
};

TempDir* FilingApiTest::dir_ = nullptr;
std::string FilingApiTest::data_;
std::string FilingApiTest::admin_;
std::string FilingApiTest::chaoyang_;
std::string FilingApiTest::other_;
std::string FilingApiTest::bureau_;
BeianServer* FilingApiTest::server_ = nullptr;

std::string Text(const core::Json& json, const char* member) {
  const core::Json* v = json.is_object() ? json.Find(member) : nullptr;
  return v != nullptr && v->is_string() ? v->as_string() : "";
}

int64_t Int(const core::Json& json, const char* member) {
  const core::Json* v = json.is_object() ? json.Find(member) : nullptr;
  return v != nullptr && v->is_integer() ? v->as_int() : 0;
}

// The numbers of the documents a search reply lists.
std::set<std::string> Numbers(const HttpReply& reply) {
  std::set<std::string> out;
  const core::Json json = reply.Json();
  const core::Json* results = json.is_object() ? json.Find("results") : nullptr;
  if (results == nullptr || !results->is_array()) return out;
  for (const core::Json& r : results->as_array()) out.insert(Text(r, "number"));
  return out;
}

TEST_F(FilingApiTest, EveryKindFromCreationToVerification) {
  HttpClient admin = Client(admin_);
  HttpReply kinds = admin.Get("/v1/kinds");
  ASSERT_EQ(kinds.status, 200) << kinds.body;
  const core::Json kinds_json = kinds.Json();
  const core::Json* list = kinds_json.Find("kinds");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->as_array().size(), 9u);
  for (const core::Json& k : list->as_array()) {
    const std::string kind = Text(k, "kind");
    SCOPED_TRACE(kind);
    const core::Json doc = Create(kind, admin_);
    const int64_t id = Int(doc, "id");
    ASSERT_GT(id, 0);
    const std::string number = Text(doc, "number");
    const std::string base = "/v1/documents/" + std::to_string(id);

    // The PDF, exactly the acknowledged bytes.
    HttpReply pdf = admin.Get(base + "/pdf");
    ASSERT_EQ(pdf.status, 200);
    ExpectDocumented("GET", "/v1/documents/{id}/pdf", pdf);
    EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
    EXPECT_EQ(core::Sha256Hex(pdf.body), Text(doc, "sha256"));
    EXPECT_EQ(pdf.Header("etag"), "\"" + Text(doc, "sha256") + "\"");

    // PDF/A-3u, carrying the data it was rendered from: the catalog's, byte for byte.
    EXPECT_EQ(Text(doc, "pdf_standard"), "PDF/A-3u");
    HttpReply data = admin.Get(base + "/data");
    ASSERT_EQ(data.status, 200) << data.body;
    ExpectDocumented("GET", "/v1/documents/{id}/data", data);
    EXPECT_EQ(data.Header("content-type"), "application/json");
    HttpReply with_data = admin.Get(base);
    ASSERT_EQ(with_data.status, 200);
    EXPECT_EQ(data.body, core::WriteCanonicalJson(*with_data.Json().Find("data")));

    // The OFD kept beside it, from the same layout; verify knows it by its bytes too.
    HttpReply ofd = admin.Get(base + "/ofd");
    ASSERT_EQ(ofd.status, 200) << ofd.body;
    ExpectDocumented("GET", "/v1/documents/{id}/ofd", ofd);
    EXPECT_EQ(ofd.Header("content-type"), "application/ofd");
    HttpReply with_ofd = admin.Get(base);
    ASSERT_EQ(with_ofd.status, 200);
    EXPECT_EQ(core::Sha256Hex(ofd.body), Text(*with_ofd.Json().Find("ofd"), "sha256"));
    EXPECT_EQ(ofd.body.compare(0, 2, "PK"), 0);
    HttpReply by_ofd = admin.Post("/v1/verify", ofd.body, "application/octet-stream");
    ASSERT_EQ(by_ofd.status, 200) << by_ofd.body;
    EXPECT_EQ(Text(by_ofd.Json().Find("documents")->as_array().at(0), "number"), number);

    // A signed scan (here: a preview rendering, a real PDF of its own).
    core::Json preview_body = core::Json::MakeObject();
    preview_body.Set("kind", kind);
    preview_body.Set("data", admin.Get("/v1/kinds/" + kind + "/example").Json());
    preview_body.Set("preview", true);
    HttpReply preview = admin.PostJson("/v1/documents", preview_body);
    ASSERT_EQ(preview.status, 200) << preview.body;
    HttpReply signed_copy =
        admin.Post(base + "/signed-copies", preview.body, "application/pdf",
                   {{"X-File-Name", "盖章扫描件.pdf"}});
    ASSERT_EQ(signed_copy.status, 201) << signed_copy.body;
    ExpectDocumented("POST", "/v1/documents/{id}/signed-copies", signed_copy);
    ExpectDocumented("POST", "/v1/documents", preview);
    EXPECT_EQ(Text(signed_copy.Json(), "sha256"), core::Sha256Hex(preview.body));
    HttpReply details = admin.Get(base);
    ASSERT_EQ(details.status, 200);
    ExpectDocumented("GET", "/v1/documents/{id}", details);
    EXPECT_EQ(Text(details.Json(), "status"), "signed");

    // Found by Chinese and by pinyin of its enterprise's name.
    const std::string name = Text(doc, "enterprise_name");
    ASSERT_GE(name.size(), 12u);
    const std::string two_chars = name.substr(6, 6);  // after 北京 / 天津
    HttpReply chinese = admin.Get("/v1/search?q=" + UrlEncode(two_chars) +
                                  "&kind=" + kind + "&limit=100");
    ASSERT_EQ(chinese.status, 200) << chinese.body;
    ExpectDocumented("GET", "/v1/search", chinese);
    EXPECT_EQ(Numbers(chinese).count(number), 1u) << two_chars;
    const std::string pinyin =
        kind == "out-of-town-contract-filing" ? "haihe"
        : name.find("安和居") != std::string::npos ? "anheju"
                                                    : "ruixiang";
    HttpReply latin = admin.Get("/v1/search?q=" + pinyin + "&kind=" + kind +
                                "&limit=100");
    ASSERT_EQ(latin.status, 200) << latin.body;
    EXPECT_EQ(Numbers(latin).count(number), 1u) << pinyin;

    // A marked reprint, then both verified by their bytes.
    HttpReply reprint = admin.Post(base + "/reprints", "", "");
    ASSERT_EQ(reprint.status, 201) << reprint.body;
    ExpectDocumented("POST", "/v1/documents/{id}/reprints", reprint);
    EXPECT_EQ(reprint.body.compare(0, pdf.body.size(), pdf.body), 0)
        << "a marked reprint starts with the original bytes";
    HttpReply original = admin.Post("/v1/verify", pdf.body, "application/pdf");
    ASSERT_EQ(original.status, 200) << original.body;
    EXPECT_EQ(original.Json().Find("documents")->as_array().size(), 1u);
    HttpReply reprinted =
        admin.Post("/v1/verify", reprint.body, "application/pdf");
    ASSERT_EQ(reprinted.status, 200) << reprinted.body;
    ExpectDocumented("POST", "/v1/verify", reprinted);
    ASSERT_EQ(reprinted.Json().Find("reprints")->as_array().size(), 1u);
    EXPECT_TRUE(reprinted.Json().Find("reprints")->as_array()[0].Find("marked")
                    ->as_bool());
  }
  HttpReply stranger = admin.Post("/v1/verify", "%PDF-1.7\nnot filed\n%%EOF\n",
                                  "application/pdf");
  EXPECT_EQ(stranger.status, 404);
  ExpectDocumented("POST", "/v1/verify", stranger);
  ExpectDocumented("GET", "/v1/kinds", kinds);
  EXPECT_EQ(stranger.ErrorCode(), "not_in_archive");
}

// `beian proof check` on a PDF, a proof and a public key, offline.
ProcessResult CheckProof(const TempDir& work, const std::string& pdf, const core::Json& proof,
                         const std::string& pem) {
  beian::testing::WriteFileOrDie(work.File("checked.pdf"), pdf);
  beian::testing::WriteFileOrDie(work.File("proof.json"), core::WriteJson(proof));
  beian::testing::WriteFileOrDie(work.File("key.pem"), pem);
  return beian::testing::Run({BeianBinary(), "proof", "check", work.File("checked.pdf"),
                              work.File("proof.json"), work.File("key.pem")});
}

TEST_F(FilingApiTest, QrCodeOnThePaperVerifiesWithoutAToken) {
  const core::Json doc = Create("commitment-letter", chaoyang_);
  const int64_t id = Int(doc, "id");
  ASSERT_GT(id, 0);
  HttpReply pdf = Client(chaoyang_).Get("/v1/documents/" + std::to_string(id) +
                                        "/pdf");
  ASSERT_EQ(pdf.status, 200);
  // Print it, scan page 1 at 300 dpi (as an office scanner does), read the
  // QR code.
  TempDir work;
  beian::testing::WriteFileOrDie(work.File("doc.pdf"), pdf.body);
  ASSERT_EQ(beian::testing::Run({"pdftoppm", "-r", "300", "-png", "-f", "1",
                                 "-l", "1", "-singlefile", work.File("doc.pdf"),
                                 work.File("page")})
                .exit_code,
            0);
  ProcessResult scan = beian::testing::Run(
      {"zbarimg", "--quiet", "--raw", work.File("page.png")});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  // The server's own address (no public_url configured): a phone opens it.
  std::string payload = scan.out.substr(0, scan.out.find('\n'));
  const std::string prefix = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v/";
  ASSERT_EQ(payload.compare(0, prefix.size(), prefix), 0) << payload;
  const std::string page = payload.substr(payload.find("/v/"));
  const size_t k = page.find("?k=");
  ASSERT_NE(k, std::string::npos) << payload;
  const std::string path = "/v1/verify/" + page.substr(3, k - 3) + "?key=" + page.substr(k + 3);

  HttpClient anyone(server_->port());
  HttpReply shown = anyone.Get(page);
  ASSERT_EQ(shown.status, 200) << page;
  EXPECT_NE(shown.body.find(Text(doc, "number")), std::string::npos);
  EXPECT_NE(shown.body.find(Text(doc, "sha256")), std::string::npos);
  EXPECT_EQ(shown.body.find("作废"), std::string::npos);
  HttpReply checked = anyone.Get(path);
  ASSERT_EQ(checked.status, 200) << path << " " << checked.body;
  ExpectDocumented("GET", "/v1/verify/{number}", checked);
  EXPECT_EQ(Text(checked.Json(), "number"), Text(doc, "number"));
  EXPECT_EQ(Text(checked.Json(), "sha256"), Text(doc, "sha256"));
  EXPECT_EQ(Text(checked.Json(), "issuer"), "北京瑞祥恒业物业管理有限公司");
  EXPECT_EQ(Text(checked.Json(), "status_label"), "已出具");
  // It comes with the proof that the document is in the signed audit log,
  // checked here as anyone would: with the key from GET /v1/keys.
  const core::Json checked_body = checked.Json();
  const core::Json* proof = checked_body.Find("proof");
  ASSERT_NE(proof, nullptr) << checked.body;
  HttpReply keys = anyone.Get("/v1/keys");
  ASSERT_EQ(keys.status, 200);
  ExpectDocumented("GET", "/v1/keys", keys);
  const core::Json key = keys.Json().Find("keys")->as_array().at(0);
  EXPECT_EQ(Text(*proof, "key_fingerprint"), Text(key, "fingerprint"));
  EXPECT_EQ(CheckProof(work, pdf.body, *proof, Text(key, "public_key_pem")).exit_code, 0);
  EXPECT_EQ(Text(*proof, "entry").find("\"actor\""), std::string::npos) << "no person is named";
  // One character of the key changed: not in the archive.
  std::string forged = path;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(anyone.Get(forged).status, 404);
  // Revoked: the same paper now says 作废, when and why.
  ASSERT_EQ(Client(admin_)
                .Post("/v1/documents/" + std::to_string(id) + "/revoke",
                      "{\"reason\":\"承诺书填写有误，已重新出具\"}", "application/json")
                .status,
            200);
  HttpReply revoked = anyone.Get(path);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  ExpectDocumented("GET", "/v1/verify/{number}", revoked);
  EXPECT_EQ(Text(revoked.Json(), "status"), "revoked");
  EXPECT_EQ(Text(revoked.Json(), "status_label"), "已作废");
  EXPECT_EQ(Text(revoked.Json(), "status_reason"), "承诺书填写有误，已重新出具");
  EXPECT_FALSE(Text(revoked.Json(), "status_date").empty());
  HttpReply revoked_page = anyone.Get(page);
  ASSERT_EQ(revoked_page.status, 200);
  EXPECT_NE(revoked_page.body.find("此文书已作废"), std::string::npos);
  EXPECT_NE(revoked_page.body.find("承诺书填写有误，已重新出具"), std::string::npos);
}

TEST_F(FilingApiTest, ADocumentComesWithItsProofInTheSignedLog) {
  const core::Json doc = Create("contract-filing", chaoyang_);
  Create("contract-filing", chaoyang_);
  HttpReply got = Client(chaoyang_).Get("/v1/documents/" + std::to_string(Int(doc, "id")));
  ASSERT_EQ(got.status, 200) << got.body;
  ExpectDocumented("GET", "/v1/documents/{id}", got);
  const core::Json body = got.Json();
  const core::Json* proof = body.Find("proof");
  ASSERT_NE(proof, nullptr) << got.body;
  EXPECT_EQ(Text(*proof, "number"), Text(doc, "number"));
  HttpReply pdf = Client(chaoyang_).Get("/v1/documents/" + std::to_string(Int(doc, "id")) + "/pdf");
  const std::string pem =
      Text(HttpClient(server_->port()).Get("/v1/keys").Json().Find("keys")->as_array().at(0), "public_key_pem");
  TempDir work;
  ProcessResult holds = CheckProof(work, pdf.body, *proof, pem);
  EXPECT_EQ(holds.exit_code, 0) << holds.out << holds.err;
  EXPECT_NE(holds.out.find("holds: " + Text(doc, "number") + " as filed, byte for byte"), std::string::npos)
      << holds.out;
  std::string changed = pdf.body;
  changed[changed.size() / 2] ^= 1;
  ProcessResult fails = CheckProof(work, changed, *proof, pem);
  EXPECT_EQ(fails.exit_code, 1);
  EXPECT_NE(fails.out.find("FAILS: this file is not"), std::string::npos) << fails.out;
}

TEST_F(FilingApiTest, TokensDecideWhatIsVisible) {
  const core::Json doc = Create("contract-filing", chaoyang_);  // 朝阳区
  const std::string path = "/v1/documents/" + std::to_string(Int(doc, "id"));
  ASSERT_GT(Int(doc, "id"), 0);

  HttpClient nobody(server_->port());
  HttpReply unauthorized = nobody.Get(path);
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.ErrorCode(), "unauthorized");
  ExpectDocumented("GET", "/v1/documents/{id}", unauthorized);
  EXPECT_NE(unauthorized.Header("www-authenticate").find("Bearer"),
            std::string::npos);
  EXPECT_EQ(HttpClient(server_->port(), "bn_forged").Get(path).status, 401);
  EXPECT_EQ(nobody.Get("/healthz").status, 200);

  EXPECT_EQ(Client(chaoyang_).Get(path).status, 200);
  EXPECT_EQ(Client(admin_).Get(path).status, 200);
  // Another enterprise, a bureau of another district: as if it did not exist.
  EXPECT_EQ(Client(other_).Get(path).status, 404);
  EXPECT_EQ(Client(other_).Get(path + "/pdf").status, 404);
  EXPECT_EQ(Client(bureau_).Get(path).status, 404);
  EXPECT_EQ(Client(other_).Post(path + "/reprints", "", "").status, 404);
  // Filing for someone else is refused before anything is archived.
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "contract-filing");
  body.Set("data",
           Client(chaoyang_).Get("/v1/kinds/contract-filing/example").Json());
  HttpReply forbidden = Client(other_).PostJson("/v1/documents", body);
  EXPECT_EQ(forbidden.status, 403);
  // Searches see only the token's own documents.
  // A `to` date includes its day.
  const std::string day = Text(doc, "issued_at").substr(0, 10);
  EXPECT_EQ(Numbers(Client(chaoyang_).Get("/v1/search?q=ruixiang&from=" + day +
                                          "&to=" + day + "&limit=100"))
                .count(Text(doc, "number")),
            1u);
  HttpReply search = Client(other_).Get("/v1/search?q=ruixiang");
  ASSERT_EQ(search.status, 200);
  EXPECT_TRUE(Numbers(search).empty());
  EXPECT_EQ(Client(bureau_).Get("/v1/search?q=wuye&district=" +
                                UrlEncode("朝阳区"))
                .status,
            403);
  // Metrics are for admins.
  EXPECT_EQ(Client(chaoyang_).Get("/metrics").status, 403);
  HttpReply metrics = Client(admin_).Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  ExpectDocumented("GET", "/metrics", metrics);
  EXPECT_NE(metrics.body.find("beian_documents_rendered_total"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("beian_http_requests_total{route=\"/v1/documents/{id}\""),
            std::string::npos);
}

TEST_F(FilingApiTest, ScanAsAnImageInAMultipartFormBecomesAPdfPage) {
  const core::Json doc = Create("commitment-letter", chaoyang_);
  ASSERT_GT(Int(doc, "id"), 0);
  HttpClient client = Client(chaoyang_);
  const std::string base = "/v1/documents/" + std::to_string(Int(doc, "id"));
  // The "scan": the document's page as a PNG, as a phone app would send it.
  TempDir work;
  beian::testing::WriteFileOrDie(work.File("doc.pdf"),
                                 client.Get(base + "/pdf").body);
  ASSERT_EQ(beian::testing::Run({"pdftoppm", "-r", "40", "-png", "-singlefile",
                                 work.File("doc.pdf"), work.File("scan")})
                .exit_code,
            0);
  const std::string png = beian::testing::ReadFileOrDie(work.File("scan.png"));
  const std::string boundary = "----beian-e2e-7MA4YWxkTrZu0gW";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n"
                     "盖章页\r\n--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; "
                     "filename=\"扫描件.png\"\r\nContent-Type: image/png\r\n\r\n" +
                     png + "\r\n--" + boundary + "--\r\n";
  // The enterprise submits its scan; the copy of record is the bureau's.
  HttpReply copy = client.Post(base + "/submitted-copies", body,
                               "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(copy.status, 201) << copy.body;
  ExpectDocumented("POST", "/v1/documents/{id}/submitted-copies", copy);
  const core::Json json = copy.Json();
  EXPECT_FALSE(json.Find("of_record")->as_bool());
  EXPECT_EQ(Text(client.Get(base).Json(), "status"), "issued");
  EXPECT_EQ(Text(json, "media_type"), "image/png");
  EXPECT_EQ(Text(json, "original_name"), "扫描件.png");
  EXPECT_EQ(Int(json, "pages"), 1);
  // A multipart body without the file part is refused.
  HttpReply none = client.Post(
      base + "/submitted-copies",
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--" +
          boundary + "--\r\n",
      "multipart/form-data; boundary=" + boundary);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.ErrorCode(), "invalid_multipart");
  // The schema of a kind, for clients that build forms from it.
  HttpReply schema = client.Get("/v1/kinds/commitment-letter/schema");
  ASSERT_EQ(schema.status, 200);
  ExpectDocumented("GET", "/v1/kinds/{kind}/schema", schema);
  EXPECT_NE(schema.Json().Find("properties"), nullptr);
}

TEST_F(FilingApiTest, PdfSupportsConditionalAndRangeRequests) {
  const core::Json doc = Create("authorization-letter", admin_);
  const std::string path =
      "/v1/documents/" + std::to_string(Int(doc, "id")) + "/pdf";
  HttpClient admin = Client(admin_);
  HttpReply full = admin.Get(path);
  ASSERT_EQ(full.status, 200);
  const std::string etag = full.Header("etag");
  EXPECT_EQ(admin.Get(path, {{"If-None-Match", etag}}).status, 304);
  HttpReply part = admin.Get(path, {{"Range", "bytes=0-7"}});
  ASSERT_EQ(part.status, 206);
  ExpectDocumented("GET", "/v1/documents/{id}/pdf", part);
  EXPECT_EQ(part.body, full.body.substr(0, 8));
  EXPECT_EQ(part.Header("content-range"),
            "bytes 0-7/" + std::to_string(full.body.size()));
  HttpReply tail = admin.Get(path, {{"Range", "bytes=-6"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, full.body.substr(full.body.size() - 6));
  EXPECT_EQ(admin.Get(path, {{"Range", "bytes=99999999-"}}).status, 416);
}

// The route pattern a target of the corpus below goes to ("" if none).
std::string RouteOf(const std::string& method, const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/v1/documents" || path == "/v1/search") return path;
  const std::string prefix = "/v1/documents/";
  if (path.compare(0, prefix.size(), prefix) != 0 || method == "DELETE") {
    return "";
  }
  const std::string rest = path.substr(prefix.size());
  if (rest.size() > 14 && rest.substr(rest.size() - 14) == "/signed-copies") {
    return "/v1/documents/{id}/signed-copies";
  }
  return "/v1/documents/{id}";
}

// Each bad request gets its 4xx with a JSON error body; the server stays up.
TEST_F(FilingApiTest, BadInputGetsAClearErrorAndTheServerStaysUp) {
  HttpClient admin = Client(admin_);
  struct Case {
    const char* what;
    std::string method, target, body, content_type;
    int status;
  };
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "[";
  const std::vector<Case> cases = {
      {"malformed JSON", "POST", "/v1/documents", "{\"kind\": ", "application/json", 400},
      {"invalid UTF-8", "POST", "/v1/documents",
       "{\"kind\":\"\xff\xfe\",\"data\":{}}", "application/json", 400},
      {"wrong content type", "POST", "/v1/documents", "kind=x", "text/plain", 415},
      {"deep nesting", "POST", "/v1/documents", deep, "application/json", 400},
      {"not an object", "POST", "/v1/documents", "[1,2]", "application/json", 400},
      {"unknown kind", "POST", "/v1/documents",
       "{\"kind\":\"../../etc/passwd\",\"data\":{}}", "application/json", 422},
      {"data missing", "POST", "/v1/documents",
       "{\"kind\":\"commitment-letter\"}", "application/json", 422},
      {"invalid data", "POST", "/v1/documents",
       "{\"kind\":\"commitment-letter\",\"data\":{\"enterprise\":{}}}",
       "application/json", 422},
      {"bad issue time", "POST", "/v1/documents",
       "{\"kind\":\"commitment-letter\",\"data\":{},\"issued_at\":\"yesterday\"}",
       "application/json", 422},
      {"traversal in an id", "GET", "/v1/documents/..%2F..%2Fetc%2Fpasswd", "", "", 400},
      {"id not a number", "GET", "/v1/documents/1%20OR%201=1", "", "", 400},
      {"unknown document", "GET", "/v1/documents/987654321", "", "", 404},
      // Words to search for, like any others: every value is a bound parameter.
      {"SQL in the query", "GET",
       "/v1/search?q=%27%3B%20DROP%20TABLE%20documents%3B%20--", "", "", 200},
      {"FTS syntax in the query", "GET",
       "/v1/search?q=%22%E7%89%A9%E4%B8%9A%22%20OR%20*", "", "", 200},
      {"ID number as a query", "GET", "/v1/search?q=110105197103143253", "", "", 400},
      {"bad cursor", "GET", "/v1/search?q=wuye&cursor=zzz", "", "", 400},
      {"bad date", "GET", "/v1/search?q=wuye&from=2026-13-45", "", "", 400},
      {"unknown kind filter", "GET", "/v1/search?q=wuye&kind=nope", "", "", 400},
      {"upload of another type", "POST", "/v1/documents/1/signed-copies",
       "hello", "text/plain", 415},
      {"not a PDF", "POST", "/v1/documents/1/signed-copies", "%PDF-1.7 junk",
       "application/pdf", 422},
      {"empty upload", "POST", "/v1/documents/1/signed-copies", "",
       "image/png", 422},
      {"unknown route", "GET", "/v1/nothing", "", "", 404},
      {"wrong method", "DELETE", "/v1/documents/1", "", "", 405},
  };
  // The first document, for the uploads above.
  ASSERT_GT(Int(Create("commitment-letter", admin_), "id"), 0);
  const std::string first = admin.Get("/v1/search?q=ruixiang&limit=100").body;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::string target = c.target;
    HttpReply r = admin.Send(c.method, target, c.body, c.content_type, {});
    EXPECT_EQ(r.status, c.status) << r.body;
    if (const std::string route = RouteOf(c.method, target); !route.empty()) {
      ExpectDocumented(c.method, route, r);
    }
    if (c.status != 200) {
      EXPECT_FALSE(r.ErrorCode().empty()) << r.body;
    }
  }
  // Over the body limit: refused by Content-Length before it is read.
  HttpReply huge = admin.Send("POST", "/v1/documents", "", "application/json",
                              {{"Content-Length", "30000000"}});
  EXPECT_EQ(huge.status, 413) << huge.error;
  EXPECT_EQ(HttpClient(server_->port()).Get("/healthz").status, 200);
  EXPECT_TRUE(server_->Running());
  // The documents table is still there.
  EXPECT_EQ(admin.Get("/v1/search?q=ruixiang&limit=100").body.size() > 0, true);
  EXPECT_EQ(admin.Get("/v1/search?q=ruixiang&limit=100").status, 200);
  (void)first;
}

// Text the archive cannot keep is 422 naming the field, for a document and
// for its preview alike; a body full of problems answers the first 200 and a
// count of the rest.
TEST_F(FilingApiTest, TextTheArchiveCannotKeepIsRefusedNamingTheField) {
  HttpClient admin = Client(admin_);
  core::Json data = admin.Get("/v1/kinds/commitment-letter/example").Json();
  data.Find("enterprise")->Set("name", std::string("北京瑞祥\0恒业物业管理有限公司", 43));
  for (bool preview : {false, true}) {
    SCOPED_TRACE(preview ? "preview" : "issue");
    core::Json body = core::Json::MakeObject();
    body.Set("kind", "commitment-letter");
    body.Set("data", data);
    if (preview) body.Set("preview", true);
    ASSERT_NE(core::WriteJson(body).find("\\u0000"), std::string::npos);
    HttpReply r = admin.PostJson("/v1/documents", body);
    EXPECT_EQ(r.status, 422) << r.body;
    ExpectDocumented("POST", "/v1/documents", r);
    const core::Json error = r.Json().is_object() ? *r.Json().Find("error") : core::Json();
    EXPECT_EQ(Text(error, "field"), "/data/enterprise/name") << r.body;
    const core::Json* problems = error.Find("problems");
    ASSERT_TRUE(problems != nullptr && problems->size() == 1) << r.body;
    EXPECT_EQ(Text(problems->as_array()[0], "path"), "/enterprise/name");
    EXPECT_EQ(Text(problems->as_array()[0], "code"), "text.control");
    EXPECT_NE(Text(problems->as_array()[0], "message").find("U+0000"), std::string::npos);
  }

  core::Json form = admin.Get("/v1/kinds/qualification-verification/example").Json();
  core::Json::Array& staff = form.Find("staff")->as_array();
  core::Json person = core::Json::MakeObject();
  person.Set("name", "王");
  person.Set("gender", "男");
  person.Set("role", "技术人员");
  staff.assign(250, person);  // each without its ID number
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "qualification-verification");
  body.Set("data", form);
  HttpReply r = admin.PostJson("/v1/documents", body);
  EXPECT_EQ(r.status, 422) << r.body.substr(0, 500);
  ExpectDocumented("POST", "/v1/documents", r);
  const core::Json reply = r.Json();
  const core::Json* problems = reply.At("/error/problems");
  ASSERT_TRUE(problems != nullptr && problems->is_array());
  ASSERT_EQ(problems->size(), 201u);
  const core::Json& more = problems->as_array().back();
  EXPECT_EQ(Text(more, "code"), "problems.more");
  EXPECT_EQ(Int(more, "count"), 50);
  EXPECT_EQ(Text(more, "message"), "还有 50 个问题未列出（只列出前 200 个）");
}

TEST_F(FilingApiTest, AccessLogHasOneJsonLineAndNoIdNumber) {
  // The authorization letter's example names the representative by ID number.
  const core::Json doc = Create("authorization-letter", admin_);
  ASSERT_GT(Int(doc, "id"), 0);
  Client(admin_).Get("/v1/search?q=110105197103143253");
  // A request is logged just after its response is sent: wait for the last.
  std::string log;
  for (int i = 0; i < 100; ++i) {
    log = beian::testing::ReadFileOrDie(dir_->path() + "/access.log");
    if (log.find("/v1/search") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(log.empty());
  size_t lines = 0, start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    EXPECT_TRUE(core::ParseJson(line).ok()) << line;
    start = end + 1;
    ++lines;
  }
  EXPECT_GE(lines, 3u);  // example, create, search
  EXPECT_EQ(log.find("110105197103143253"), std::string::npos);
  EXPECT_NE(log.find("\"route\":\"/v1/documents\""), std::string::npos);
}

// SIGTERM drains; a new server on the same archive serves what was filed.
// The serve config names the signing key's file: kept away from the archive,
// made there on first start, and the key GET /v1/keys serves.
TEST(FilingApiKeyTest, TheConfigPutsTheSigningKeyOutsideTheArchive) {
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string key = dir.path() + "/keys-elsewhere/checkpoint.pem";
  beian::testing::WriteFileOrDie(dir.File("beian.json"), "{\"signing_key\": \"" + key + "\"}");
  BeianServer server(data, {"--config", dir.File("beian.json")});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  HttpReply keys = HttpClient(server.port()).Get("/v1/keys");
  ASSERT_EQ(keys.status, 200) << keys.body;
  const core::Json served = keys.Json().Find("keys")->as_array().at(0);
  EXPECT_EQ(Text(served, "public_key_pem"), beian::testing::ReadFileOrDie(key + ".pub"));
  EXPECT_EQ(Text(served, "algorithm"), "ed25519");
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);
  EXPECT_FALSE(std::filesystem::exists(data + "/keys")) << "no key inside the archive";
  EXPECT_EQ(server.Terminate(), 0) << server.Stderr();
}

TEST(FilingApiRestartTest, EverythingArchivedIsServedAfterARestart) {
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string token = CreateToken(data, {"--role", "admin"});
  std::string sha256, path;
  {
    BeianServer server(data);
    ASSERT_NE(server.port(), 0) << server.Stderr();
    HttpClient client(server.port(), token);
    core::Json body = core::Json::MakeObject();
    body.Set("kind", "commitment-letter");
    body.Set("data", client.Get("/v1/kinds/commitment-letter/example").Json());
    HttpReply created = client.PostJson("/v1/documents", body);
    ASSERT_EQ(created.status, 201) << created.body;
    sha256 = Text(created.Json(), "sha256");
    path = "/v1/documents/" + std::to_string(Int(created.Json(), "id")) + "/pdf";
    EXPECT_EQ(server.Terminate(), 0) << server.Stderr();
    EXPECT_NE(server.Stderr().find("stopped"), std::string::npos);
  }
  BeianServer again(data);
  ASSERT_NE(again.port(), 0) << again.Stderr();
  HttpReply pdf = HttpClient(again.port(), token).Get(path);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(core::Sha256Hex(pdf.body), sha256);
  EXPECT_EQ(again.Terminate(), 0);
}

}  // namespace
}  // namespace beian::e2e
