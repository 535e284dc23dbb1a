// 文书编号: the number the archive gives each document.
//
// Format, after the 发文字号 of GB/T 9704 that every bureau clerk reads daily:
//
//   京 <district> <kind> 〔<year>〕 <serial> 号     e.g. 京朝备〔2026〕000123号
//
// <district> is one character per district (core::DistrictNumberCode: 东 西
// 朝 海 丰 石 门 房 通 顺 昌 兴 怀 平 密 延, 开 for 北京经济技术开发区); <kind>
// says what the paper is (core::KindNumberCode: 备 合同备案, 前备 前期合同备案,
// 外备 外埠合同备案, 核 资质核查, 诺 承诺书, 委 授权委托书, 晋 晋升公示, 查
// 实地核查, 受 受理通知书, 文 any other kind);
// the year is in 六角括号 〔〕; the serial has at least six digits (zero-padded
// so that numbers line up in lists and a search for "000123" is exact). The
// serial counts per district and year across all kinds, so district, year and
// serial alone identify a document.
#ifndef BEIAN_ARCHIVE_DOCUMENT_NUMBER_H_
#define BEIAN_ARCHIVE_DOCUMENT_NUMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>


namespace beian::archive {

// The parts of a number in the archive's format.
struct DocumentNumber {
  std::string district_code;  // one character, e.g. "朝"
  std::string kind_code;      // e.g. "备"
  int year = 0;
  int64_t serial = 0;
};

// The printed number, e.g. "京朝备〔2026〕000123号".
std::string FormatDocumentNumber(const DocumentNumber& number);

// The parts of a number in canonical printed form; nullopt for any other text.
std::optional<DocumentNumber> ParseDocumentNumber(std::string_view text);

// The canonical printed form of a number typed by a person: surrounding spaces
// dropped, full-width digits and [] () （） 【】 ［］ ﹝﹞ brackets accepted, a
// "第" before the serial and a missing "号" tolerated, the serial padded. Text
// that is not such a number is returned unchanged.
std::string NormalizeDocumentNumber(std::string_view text);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_DOCUMENT_NUMBER_H_
