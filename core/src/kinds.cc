#include "beian/core/kinds.h"

namespace beian::core {

const std::vector<DocumentKind>& DocumentKinds() {
  static const std::vector<DocumentKind> kKinds = {
      {"contract-filing", "备"},
      {"preliminary-contract-filing", "前备"},
      {"out-of-town-contract-filing", "外备"},
      {"qualification-verification", "核"},
      {"commitment-letter", "诺"},
      {"authorization-letter", "委"},
      {"promotion-notice", "晋"},
      {"site-verification", "查"},
      {"acceptance-receipt", "受"},
      {"archive-check-report", "检"},
  };
  return kKinds;
}

const DocumentKind* FindDocumentKind(std::string_view name) {
  for (const DocumentKind& k : DocumentKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string_view KindNumberCode(std::string_view name) {
  const DocumentKind* kind = FindDocumentKind(name);
  return kind != nullptr ? kind->number_code : kOtherKindNumberCode;
}

bool IsKindNumberCode(std::string_view code) {
  if (code == kOtherKindNumberCode) return true;
  for (const DocumentKind& k : DocumentKinds()) {
    if (k.number_code == code) return true;
  }
  return false;
}

}  // namespace beian::core
