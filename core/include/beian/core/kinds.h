// The kinds of document beian issues: the names of templates/<kind>/ and
// their 文书编号 codes. Who issues each is declared in its kind.json.
#ifndef BEIAN_CORE_KINDS_H_
#define BEIAN_CORE_KINDS_H_

#include <string_view>
#include <vector>

namespace beian::core {

// One kind of document.
struct DocumentKind {
  // The folder under templates/: "contract-filing".
  std::string_view name;
  // The kind part of a 文书编号: "备" (京朝备〔2026〕000123号).
  std::string_view number_code;
};

// The number code of a kind that has none of its own.
inline constexpr std::string_view kOtherKindNumberCode = "文";

// The nine kinds: 合同备案 备, 前期合同备案 前备, 外埠合同备案 外备, 资质核查
// 核, 承诺书 诺, 授权委托书 委, 晋升公示 晋 (enterprise kinds); 实地核查 查,
// 受理通知书 受 (bureau kinds).
const std::vector<DocumentKind>& DocumentKinds();

// The kind named exactly `name`; nullptr otherwise.
const DocumentKind* FindDocumentKind(std::string_view name);

// The number code of the kind named `name` ("contract-filing" → "备");
// kOtherKindNumberCode for any other name.
std::string_view KindNumberCode(std::string_view name);

// True iff `code` is the number code of a kind, or kOtherKindNumberCode.
bool IsKindNumberCode(std::string_view code);

}  // namespace beian::core

#endif  // BEIAN_CORE_KINDS_H_
