// The public verification page as HTML: what the QR code opens on a phone. It
// shows the document's state unmistakably and escapes every text it prints,
// since names and reasons come from people.
#include <gtest/gtest.h>

#include <string>

#include "authentication.h"
#include "console.h"

namespace beian::api::internal {
namespace {

service::PublicCheck Check() {
  service::PublicCheck c;
  c.number = "京朝核〔2026〕000001号";
  c.kind = "qualification-verification";
  c.title = "北京市物业服务企业资质核查信息表";
  c.issuer = "北京瑞祥恒业物业管理有限公司";
  c.enterprise_name = c.issuer;
  c.district = "朝阳区";
  c.issued_at = "2026-12-07T09:05:00+08:00";
  c.status = "filed";
  c.status_label = "已备案";
  c.filing_number = "京朝物备〔2026〕第0001号";
  c.pages = 7;
  c.sha256 = std::string(64, 'a');
  c.sm3 = std::string(64, 'b');
  return c;
}

TEST(PublicCheckPageTest, ShowsTheStandingAndTheDigestsInChineseDates) {
  const std::string page = PublicCheckPage(Check(), "2026-12-09T15:30:00+08:00");
  EXPECT_NE(page.find("档案中有此文书 · 已备案"), std::string::npos);
  EXPECT_NE(page.find("京朝物备〔2026〕第0001号"), std::string::npos);
  EXPECT_NE(page.find("2026年12月7日 09:05"), std::string::npos);
  EXPECT_NE(page.find(std::string(64, 'a')), std::string::npos);
  EXPECT_NE(page.find("name=\"viewport\""), std::string::npos) << "fits a phone";
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("作废"), std::string::npos);
}

TEST(PublicCheckPageTest, ARevokedDocumentSaysSoFirstWithDateAndReason) {
  service::PublicCheck c = Check();
  c.status = "revoked";
  c.status_label = "已作废";
  c.status_date = "2026-12-08T10:00:00+08:00";
  c.status_reason = "合同已解除";
  const std::string page = PublicCheckPage(c, "2026-12-09T15:30:00+08:00");
  const size_t stamp = page.find("此文书已作废");
  ASSERT_NE(stamp, std::string::npos);
  EXPECT_LT(stamp, page.find("文书名称")) << "the state comes before the facts";
  EXPECT_NE(page.find("2026年12月8日 10:00"), std::string::npos);
  EXPECT_NE(page.find("合同已解除"), std::string::npos);
  EXPECT_NE(page.find("原备案编号"), std::string::npos) << "filed before it was revoked";
  EXPECT_NE(page.find("核验时间：2026年12月9日 15:30"), std::string::npos);
}

TEST(PublicCheckPageTest, EscapesWhatPeopleTyped) {
  service::PublicCheck c = Check();
  c.status = "refused";
  c.status_label = "不予备案";
  c.status_reason = "<script>alert('x')</script> & \"更正\"";
  c.project_name = "<img src=x onerror=alert(1)>";
  const std::string page = PublicCheckPage(c, "2026-12-09T15:30:00+08:00");
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;更正&quot;"), std::string::npos);
}

TEST(SessionCookieTest, IsHttpOnlyStrictAndSecureOnlyOverTls) {
  EXPECT_EQ(SessionCookie("bs_X", false), "beian_session=bs_X; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(SessionCookie("bs_X", true), "beian_session=bs_X; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookie("", true), "beian_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

TEST(SessionCookieTest, FindsTheCookieAmongOthers) {
  Request req;
  req.AddHeader("Cookie", "theme=dark; beian_session=bs_ABC ;other=1");
  EXPECT_EQ(CookieValue(req, "beian_session"), "bs_ABC");
  EXPECT_EQ(CookieValue(req, "missing"), "");
  Request none;
  EXPECT_EQ(CookieValue(none, "beian_session"), "");
}

}  // namespace
}  // namespace beian::api::internal
