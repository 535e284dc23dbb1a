#include "template.h"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/Node.h>
#include <Poco/Exception.h>
#include <Poco/SAX/XMLReader.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <set>

namespace beian::render {
namespace {

using Poco::XML::Element;
using Poco::XML::Node;

class Compiler {
 public:
  explicit Compiler(const std::vector<std::string>& roles) : roles_(roles) {}

  core::Status Run(const Element& root, Template& out);

 private:
  core::Status Fail(const Element& e, const std::string& what) {
    return core::InvalidArgument("template " + Where(e) + ": " + what);
  }
  // Where an element sits, e.g. "/template/section[3]/table/row[1]/cell[2]" (1-based among
  // siblings of the same name, the index left out when there is only one).
  static std::string Where(const Element& e) {
    std::string path;
    for (const Node* n = &e; n != nullptr && n->nodeType() == Node::ELEMENT_NODE; n = n->parentNode()) {
      int index = 0, same = 0;
      for (const Node* k = n->parentNode() ? n->parentNode()->firstChild() : nullptr; k != nullptr;
           k = k->nextSibling()) {
        if (k->nodeType() != Node::ELEMENT_NODE || k->nodeName() != n->nodeName()) continue;
        ++same;
        if (k == n) index = same;
      }
      path = "/" + n->nodeName() + (same > 1 ? "[" + std::to_string(index) + "]" : "") + path;
    }
    return "<" + e.nodeName() + "> at " + path;
  }
  core::Status CheckAttributes(const Element& e, std::initializer_list<const char*> allowed);
  core::Result<float> Number(const Element& e, const char* name, float fallback);
  core::Result<int> StyleAttr(const Element& e, const char* name, int fallback);
  core::Result<Align> AlignAttr(const Element& e, Align fallback);
  core::Status ParseStyles(const Element& e, Template& t);
  core::Status ParseRunning(const Element& e, Template& t);
  core::Status ParseBlocks(const Element& parent, std::vector<Block>& out);
  core::Status ParseBlock(const Element& e, std::vector<Block>& out);
  core::Status ParseInlines(const Element& parent, std::vector<Inline>& out);
  core::Status ParseText(const std::string& text, std::vector<Inline>& out, const Element& at);
  core::Status ParseRows(const Element& parent, std::vector<Row>& out);
  core::Status ParseRow(const Element& r, Row& row);
  core::Status CheckColumns(const Element& e, const std::vector<Row>& rows, size_t cols);
  core::Status ParseCondition(const Element& e, Condition& out);
  core::Result<Expr> ParseExpr(std::string_view source, const Element& at);
  int FindStyle(const std::string& name) const {
    for (size_t i = 0; i < styles_->size(); ++i) {
      if ((*styles_)[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  const std::vector<std::string>& roles_;
  std::vector<Style>* styles_ = nullptr;
  int label_style_ = -1;
};

// Drops whitespace runs that contain a line break; keeps other spaces.
std::string CollapseSourceWhitespace(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      size_t j = i;
      bool newline = false;
      while (j < text.size() &&
             (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) {
        newline |= text[j] == '\n' || text[j] == '\r';
        ++j;
      }
      if (!newline) out.append(text, i, j - i);
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    parts.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return parts;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool ParseFloat(std::string_view s, float& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

core::Status Compiler::CheckAttributes(const Element& e,
                                       std::initializer_list<const char*> allowed) {
  Poco::AutoPtr<Poco::XML::NamedNodeMap> attrs = e.attributes();
  for (unsigned long i = 0; i < attrs->length(); ++i) {
    const std::string& name = attrs->item(i)->nodeName();
    if (std::none_of(allowed.begin(), allowed.end(),
                     [&](const char* a) { return name == a; })) {
      return Fail(e, "unknown attribute \"" + name + "\"");
    }
  }
  return core::Status::Ok();
}

core::Result<float> Compiler::Number(const Element& e, const char* name, float fallback) {
  if (!e.hasAttribute(name)) return fallback;
  float v = 0;
  if (!ParseFloat(Trim(e.getAttribute(name)), v) || v < 0) {
    return Fail(e, std::string("attribute ") + name + " must be a non-negative number, got \"" +
                       e.getAttribute(name) + "\"");
  }
  return v;
}

core::Result<int> Compiler::StyleAttr(const Element& e, const char* name, int fallback) {
  if (!e.hasAttribute(name)) return fallback;
  int s = FindStyle(e.getAttribute(name));
  if (s < 0) return Fail(e, "unknown style \"" + e.getAttribute(name) + "\"");
  return s;
}

core::Result<Align> Compiler::AlignAttr(const Element& e, Align fallback) {
  if (!e.hasAttribute("align")) return fallback;
  const std::string& a = e.getAttribute("align");
  if (a == "left") return Align::kLeft;
  if (a == "center") return Align::kCenter;
  if (a == "right") return Align::kRight;
  if (a == "justify") return Align::kJustify;
  return Fail(e, "align must be left, center, right or justify, got \"" + a + "\"");
}

core::Result<Expr> Compiler::ParseExpr(std::string_view source, const Element& at) {
  Expr expr;
  expr.source = std::string(source);
  std::vector<std::string> parts = Split(source, '|');
  std::string path = Trim(parts[0]);
  if (path.empty()) return Fail(at, "empty expression {" + expr.source + "}");
  for (std::string& seg : Split(path, '.')) {
    if (seg.empty()) return Fail(at, "bad path in {" + expr.source + "}");
    expr.path.push_back(std::move(seg));
  }
  static const std::set<std::string> kFormatters = {
      "date", "year", "month", "day", "amount", "number", "mask_id",
      "join", "count", "sum", "default", "yesno", "strip_suffix"};
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string f = Trim(parts[i]);
    Formatter fm;
    size_t colon = f.find(':');
    fm.name = f.substr(0, colon);
    if (colon != std::string::npos) fm.arg = f.substr(colon + 1);
    if (kFormatters.count(fm.name) == 0) {
      return Fail(at, "unknown formatter \"" + fm.name + "\" in {" + expr.source + "}");
    }
    expr.formatters.push_back(std::move(fm));
  }
  return expr;
}

core::Status Compiler::ParseText(const std::string& raw, std::vector<Inline>& out,
                                 const Element& at) {
  std::string text = CollapseSourceWhitespace(raw);
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('{', i);
    if (open == std::string::npos) open = text.size();
    if (open > i) {
      Inline lit;
      lit.text = text.substr(i, open - i);
      out.push_back(std::move(lit));
    }
    if (open == text.size()) break;
    size_t close = text.find('}', open);
    if (close == std::string::npos) return Fail(at, "unclosed { in \"" + text + "\"");
    BEIAN_ASSIGN_OR_RETURN(Expr expr, ParseExpr(std::string_view(text).substr(open + 1, close - open - 1), at));
    Inline x;
    x.kind = Inline::Kind::kExpr;
    x.expr = std::move(expr);
    out.push_back(std::move(x));
    i = close + 1;
  }
  return core::Status::Ok();
}

core::Status Compiler::ParseCondition(const Element& e, Condition& out) {
  std::string test = Trim(e.getAttribute("test"));
  if (test.empty()) return Fail(e, "needs a test attribute");
  auto literal = [&](size_t at) -> core::Result<std::string> {
    std::string rhs = Trim(std::string_view(test).substr(at + 2));
    if (rhs.size() < 2 || rhs.front() != '\'' || rhs.back() != '\'') {
      return Fail(e, "compare with a quoted 'text' in test=\"" + test + "\"");
    }
    return rhs.substr(1, rhs.size() - 2);
  };
  std::string lhs = test;
  if (size_t ne = test.find("!="); ne != std::string::npos) {
    out.op = Condition::Op::kNotEqual;
    BEIAN_ASSIGN_OR_RETURN(out.literal, literal(ne));
    lhs = test.substr(0, ne);
  } else if (size_t eq = test.find("=="); eq != std::string::npos) {
    out.op = Condition::Op::kEqual;
    BEIAN_ASSIGN_OR_RETURN(out.literal, literal(eq));
    lhs = test.substr(0, eq);
  } else if (test[0] == '!') {
    out.op = Condition::Op::kFalsy;
    lhs = test.substr(1);
  }
  BEIAN_ASSIGN_OR_RETURN(out.expr, ParseExpr(Trim(lhs), e));
  return core::Status::Ok();
}

core::Status Compiler::ParseInlines(const Element& parent, std::vector<Inline>& out) {
  for (Node* n = parent.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Node::TEXT_NODE || n->nodeType() == Node::CDATA_SECTION_NODE) {
      BEIAN_RETURN_IF_ERROR(ParseText(n->nodeValue(), out, parent));
      continue;
    }
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& e = static_cast<const Element&>(*n);
    const std::string& name = e.nodeName();
    Inline x;
    if (name == "b" || name == "span") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"style"}));
      x.kind = Inline::Kind::kSpan;
      x.bold = name == "b";
      BEIAN_ASSIGN_OR_RETURN(x.style, StyleAttr(e, "style", -1));
      BEIAN_RETURN_IF_ERROR(ParseInlines(e, x.children));
    } else if (name == "u") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"min"}));
      x.kind = Inline::Kind::kUnderline;
      BEIAN_ASSIGN_OR_RETURN(x.min_mm, Number(e, "min", 0));
      BEIAN_RETURN_IF_ERROR(ParseInlines(e, x.children));
    } else if (name == "br") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {}));
      x.kind = Inline::Kind::kBreak;
    } else if (name == "checks") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"options", "value"}));
      x.kind = Inline::Kind::kChecks;
      for (std::string& o : Split(e.getAttribute("options"), '|')) {
        o = Trim(o);
        if (!o.empty()) x.options.push_back(o);
      }
      if (x.options.empty()) return Fail(e, "needs options=\"a|b|c\"");
      BEIAN_ASSIGN_OR_RETURN(x.expr, ParseExpr(e.getAttribute("value"), e));
    } else if (name == "check") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"value"}));
      x.kind = Inline::Kind::kCheck;
      x.bound = e.hasAttribute("value");
      if (x.bound) {
        BEIAN_ASSIGN_OR_RETURN(x.condition.expr, ParseExpr(e.getAttribute("value"), e));
      }
    } else if (name == "if") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"test"}));
      x.kind = Inline::Kind::kIf;
      BEIAN_RETURN_IF_ERROR(ParseCondition(e, x.condition));
      BEIAN_RETURN_IF_ERROR(ParseInlines(e, x.children));
      if (!x.children.empty() && x.children.back().kind == Inline::Kind::kIf &&
          x.children.back().condition.expr.source == "\x01else") {
        x.otherwise = std::move(x.children.back().children);
        x.children.pop_back();
      }
    } else if (name == "else") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {}));
      // Collected by the enclosing <if> (must be its last child).
      x.kind = Inline::Kind::kIf;
      x.condition.expr.source = "\x01else";
      BEIAN_RETURN_IF_ERROR(ParseInlines(e, x.children));
      if (n->nextSibling() != nullptr &&
          !(n->nextSibling()->nodeType() == Node::TEXT_NODE &&
            Trim(n->nextSibling()->nodeValue()).empty() && n->nextSibling()->nextSibling() == nullptr)) {
        return Fail(e, "<else> must be the last child of <if>");
      }
    } else {
      return Fail(parent, "unknown inline element <" + name + ">");
    }
    out.push_back(std::move(x));
  }
  return core::Status::Ok();
}

core::Status Compiler::ParseRow(const Element& r, Row& row) {
  BEIAN_RETURN_IF_ERROR(CheckAttributes(r, {"min-height"}));
  BEIAN_ASSIGN_OR_RETURN(row.min_height_mm, Number(r, "min-height", 0));
  for (Node* c = r.firstChild(); c != nullptr; c = c->nextSibling()) {
    if (c->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& ce = static_cast<const Element&>(*c);
    if (ce.nodeName() != "cell") return Fail(r, "expected <cell>, got <" + ce.nodeName() + ">");
    BEIAN_RETURN_IF_ERROR(
        CheckAttributes(ce, {"span", "rowspan", "align", "valign", "style", "class"}));
    Cell cell;
    BEIAN_ASSIGN_OR_RETURN(float span, Number(ce, "span", 1));
    BEIAN_ASSIGN_OR_RETURN(float rowspan, Number(ce, "rowspan", 1));
    cell.span = std::max(1, static_cast<int>(span));
    cell.rowspan = std::max(1, static_cast<int>(rowspan));
    const bool label = ce.getAttribute("class") == "label";
    if (ce.hasAttribute("class") && !label) return Fail(ce, "class must be \"label\"");
    BEIAN_ASSIGN_OR_RETURN(cell.align, AlignAttr(ce, label ? Align::kCenter : Align::kLeft));
    if (ce.hasAttribute("valign")) {
      const std::string& v = ce.getAttribute("valign");
      if (v == "top") {
        cell.valign = VAlign::kTop;
      } else if (v != "middle") {
        return Fail(ce, "valign must be middle or top");
      }
    }
    BEIAN_ASSIGN_OR_RETURN(cell.style, StyleAttr(ce, "style", label ? label_style_ : -1));
    bool has_p = false;
    for (Node* k = ce.firstChild(); k != nullptr; k = k->nextSibling()) {
      has_p |= k->nodeType() == Node::ELEMENT_NODE && k->nodeName() == "p";
    }
    if (has_p) {
      BEIAN_RETURN_IF_ERROR(ParseBlocks(ce, cell.blocks));
      for (const Block& block : cell.blocks) {
        if (block.kind != Block::Kind::kParagraph) return Fail(ce, "a cell holds text or <p> paragraphs only");
      }
    } else {
      BEIAN_RETURN_IF_ERROR(ParseInlines(ce, cell.inlines));
    }
    row.cells.push_back(std::move(cell));
  }
  if (row.cells.empty()) return Fail(r, "a row needs at least one <cell>");
  return core::Status::Ok();
}

core::Status Compiler::ParseRows(const Element& parent, std::vector<Row>& out) {
  for (Node* n = parent.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& r = static_cast<const Element&>(*n);
    if (r.nodeName() != "row") return Fail(parent, "expected <row>, got <" + r.nodeName() + ">");
    Row row;
    BEIAN_RETURN_IF_ERROR(ParseRow(r, row));
    out.push_back(std::move(row));
  }
  return core::Status::Ok();
}

// Checks that every row fills the grid's columns exactly, counting cells that reach down
// from rows above through rowspan.
core::Status Compiler::CheckColumns(const Element& e, const std::vector<Row>& rows, size_t cols) {
  std::vector<int> covered(cols, 0);  // rows still covered by a rowspan from above
  for (size_t r = 0; r < rows.size(); ++r) {
    size_t col = 0;
    for (const Cell& cell : rows[r].cells) {
      while (col < cols && covered[col] > 0) ++col;
      if (col + cell.span > cols) {
        return Fail(e, "row " + std::to_string(r + 1) + " has more cells than cols");
      }
      for (int k = 0; k < cell.span; ++k) covered[col + k] = cell.rowspan;
      col += cell.span;
    }
    while (col < cols && covered[col] > 0) ++col;
    if (col != cols) return Fail(e, "row " + std::to_string(r + 1) + " does not fill all cols");
    for (int& c : covered) c = c > 0 ? c - 1 : 0;
  }
  return core::Status::Ok();
}

core::Status Compiler::ParseBlocks(const Element& parent, std::vector<Block>& out) {
  for (Node* n = parent.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Node::TEXT_NODE) {
      if (!Trim(n->nodeValue()).empty()) {
        return Fail(parent, "text outside a paragraph: \"" + Trim(n->nodeValue()) + "\"");
      }
      continue;
    }
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    BEIAN_RETURN_IF_ERROR(ParseBlock(static_cast<const Element&>(*n), out));
  }
  return core::Status::Ok();
}

core::Status Compiler::ParseBlock(const Element& e, std::vector<Block>& out) {
  const std::string& name = e.nodeName();
  Block b;
  if (name == "p" || name == "title" || name == "h") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(
        e, {"style", "align", "indent", "hang", "space-before", "space-after"}));
    b.kind = Block::Kind::kParagraph;
    int fallback = name == "title" ? FindStyle("title") : name == "h" ? FindStyle("heading") : -1;
    BEIAN_ASSIGN_OR_RETURN(b.style, StyleAttr(e, "style", fallback));
    BEIAN_ASSIGN_OR_RETURN(b.align, AlignAttr(e, name == "title" ? Align::kCenter : Align::kLeft));
    BEIAN_ASSIGN_OR_RETURN(b.indent_em, Number(e, "indent", 0));
    BEIAN_ASSIGN_OR_RETURN(b.hang_em, Number(e, "hang", 0));
    BEIAN_ASSIGN_OR_RETURN(b.space_before_mm, Number(e, "space-before", 0));
    BEIAN_ASSIGN_OR_RETURN(b.space_after_mm, Number(e, "space-after", 0));
    BEIAN_RETURN_IF_ERROR(ParseInlines(e, b.inlines));
  } else if (name == "vspace") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"h"}));
    b.kind = Block::Kind::kVSpace;
    BEIAN_ASSIGN_OR_RETURN(b.height_mm, Number(e, "h", 0));
  } else if (name == "pagebreak") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {}));
    b.kind = Block::Kind::kPageBreak;
  } else if (name == "keep") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {}));
    b.kind = Block::Kind::kKeep;
    BEIAN_RETURN_IF_ERROR(ParseBlocks(e, b.children));
    for (const Block& child : b.children) {
      if (child.kind == Block::Kind::kTable) return Fail(e, "a <table> cannot be kept on one page");
    }
  } else if (name == "if") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"test"}));
    b.kind = Block::Kind::kIf;
    BEIAN_RETURN_IF_ERROR(ParseCondition(e, b.condition));
    for (Node* n = e.firstChild(); n != nullptr; n = n->nextSibling()) {
      if (n->nodeType() == Node::ELEMENT_NODE && n->nodeName() == "else") {
        BEIAN_RETURN_IF_ERROR(ParseBlocks(static_cast<const Element&>(*n), b.otherwise));
      } else if (n->nodeType() == Node::ELEMENT_NODE) {
        BEIAN_RETURN_IF_ERROR(ParseBlock(static_cast<const Element&>(*n), b.children));
      }
    }
  } else if (name == "each") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"in"}));
    b.kind = Block::Kind::kEach;
    BEIAN_ASSIGN_OR_RETURN(b.each, ParseExpr(e.getAttribute("in"), e));
    BEIAN_RETURN_IF_ERROR(ParseBlocks(e, b.children));
  } else if (name == "grid" || name == "table") {
    const bool table = name == "table";
    if (table) {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"each", "cols", "style", "caption", "continued"}));
      BEIAN_ASSIGN_OR_RETURN(b.each, ParseExpr(e.getAttribute("each"), e));
    } else {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"cols", "style"}));
    }
    b.kind = table ? Block::Kind::kTable : Block::Kind::kGrid;
    BEIAN_ASSIGN_OR_RETURN(b.style, StyleAttr(e, "style", FindStyle("cell")));
    for (const std::string& c : Split(Trim(e.getAttribute("cols")), ' ')) {
      if (c.empty()) continue;
      float w = 0;
      if (!ParseFloat(c, w) || w <= 0) return Fail(e, "cols must be widths in mm: \"" + c + "\"");
      b.cols_mm.push_back(w);
    }
    if (b.cols_mm.empty()) return Fail(e, "needs cols=\"widths in mm\"");
    if (table) {
      BEIAN_RETURN_IF_ERROR(ParseText(e.getAttribute("caption"), b.caption, e));
      BEIAN_RETURN_IF_ERROR(ParseText(e.getAttribute("continued"), b.continued, e));
      for (Node* n = e.firstChild(); n != nullptr; n = n->nextSibling()) {
        if (n->nodeType() != Node::ELEMENT_NODE) continue;
        const Element& k = static_cast<const Element&>(*n);
        if (k.nodeName() == "head") {
          BEIAN_RETURN_IF_ERROR(ParseRows(k, b.head));
        } else if (k.nodeName() == "foot") {
          BEIAN_RETURN_IF_ERROR(ParseRows(k, b.foot));
        } else if (k.nodeName() == "empty") {
          BEIAN_RETURN_IF_ERROR(ParseInlines(k, b.empty));
        } else if (k.nodeName() == "note") {
          BEIAN_RETURN_IF_ERROR(ParseBlocks(k, b.children));
        } else if (k.nodeName() == "row") {
          Row row;
          BEIAN_RETURN_IF_ERROR(ParseRow(k, row));
          b.body.push_back(std::move(row));
        } else {
          return Fail(e, "unexpected <" + k.nodeName() + ">");
        }
      }
      if (b.body.size() != 1) return Fail(e, "needs exactly one body <row> for each element");
      if (b.empty.empty()) {
        Inline none;
        none.text = "无";
        b.empty.push_back(none);
      }
      for (const std::vector<Row>* rows : {&b.head, &b.body, &b.foot}) {
        for (const Row& r : *rows) {
          for (const Cell& c : r.cells) {
            if (c.rowspan != 1) return Fail(e, "rowspan is for grids, not tables");
          }
        }
      }
    } else {
      BEIAN_RETURN_IF_ERROR(ParseRows(e, b.body));
    }
    for (const std::vector<Row>* rows : {&b.head, &b.body, &b.foot}) {
      BEIAN_RETURN_IF_ERROR(CheckColumns(e, *rows, b.cols_mm.size()));
    }
  } else if (name == "signature") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"label", "line", "date", "align", "style"}));
    b.kind = Block::Kind::kSignature;
    b.label = e.getAttribute("label");
    BEIAN_ASSIGN_OR_RETURN(b.line_mm, Number(e, "line", 45));
    b.date = e.getAttribute("date") == "true";
    BEIAN_ASSIGN_OR_RETURN(b.align, AlignAttr(e, Align::kRight));
    BEIAN_ASSIGN_OR_RETURN(b.style, StyleAttr(e, "style", -1));
  } else if (name == "seal") {
    BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"label", "size", "align", "style"}));
    b.kind = Block::Kind::kSeal;
    b.label = e.getAttribute("label");
    BEIAN_ASSIGN_OR_RETURN(b.size_mm, Number(e, "size", 38));
    BEIAN_ASSIGN_OR_RETURN(b.align, AlignAttr(e, Align::kRight));
    BEIAN_ASSIGN_OR_RETURN(b.style, StyleAttr(e, "style", -1));
  } else {
    return Fail(e, "unknown block element <" + name + ">");
  }
  out.push_back(std::move(b));
  return core::Status::Ok();
}


core::Status Compiler::ParseStyles(const Element& e, Template& t) {
  for (Node* n = e.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& se = static_cast<const Element&>(*n);
    if (se.nodeName() != "style") return Fail(e, "expected <style>, got <" + se.nodeName() + ">");
    BEIAN_RETURN_IF_ERROR(CheckAttributes(se, {"name", "font", "size", "leading", "bold"}));
    const std::string& name = se.getAttribute("name");
    if (name.empty()) return Fail(se, "needs a name");
    int index = FindStyle(name);
    if (index < 0) {
      Style base = t.styles[static_cast<size_t>(t.body_style)];
      base.name = name;
      t.styles.push_back(base);
      index = static_cast<int>(t.styles.size() - 1);
    }
    Style& style = t.styles[static_cast<size_t>(index)];
    if (se.hasAttribute("font")) {
      auto role = std::find(roles_.begin(), roles_.end(), se.getAttribute("font"));
      if (role == roles_.end()) {
        return Fail(se, "unknown font role \"" + se.getAttribute("font") + "\" (see fonts/manifest.json)");
      }
      style.role = static_cast<int>(role - roles_.begin());
    }
    BEIAN_ASSIGN_OR_RETURN(style.size, Number(se, "size", style.size));
    BEIAN_ASSIGN_OR_RETURN(style.leading, Number(se, "leading", style.leading));
    if (style.size <= 0 || style.size > 200) return Fail(se, "size must be in (0, 200] pt");
    if (style.leading < 0.8f) return Fail(se, "leading must be at least 0.8");
    if (se.hasAttribute("bold")) style.bold = se.getAttribute("bold") == "true";
  }
  return core::Status::Ok();
}

core::Status Compiler::ParseRunning(const Element& e, Template& t) {
  static const std::pair<const char*, RunningItem::Place> kPlaces[] = {
      {"header-left", RunningItem::Place::kHeaderLeft},
      {"header-center", RunningItem::Place::kHeaderCenter},
      {"header-right", RunningItem::Place::kHeaderRight},
      {"footer-left", RunningItem::Place::kFooterLeft},
      {"footer-center", RunningItem::Place::kFooterCenter},
      {"footer-right", RunningItem::Place::kFooterRight}};
  bool has_qr = false;
  for (Node* n = e.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& ie = static_cast<const Element&>(*n);
    RunningItem item;
    if (ie.nodeName() == "qr") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(ie, {"place", "size"}));
      if (has_qr) return Fail(ie, "a template has one QR code");
      item.qr = has_qr = true;
      BEIAN_ASSIGN_OR_RETURN(item.size_mm, Number(ie, "size", 16));
    } else if (ie.nodeName() == "text") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(ie, {"place", "class", "style"}));
      item.page_number = ie.getAttribute("class") == "page-number";
      BEIAN_ASSIGN_OR_RETURN(item.style, StyleAttr(ie, "style", t.small_style));
      BEIAN_RETURN_IF_ERROR(ParseInlines(ie, item.inlines));
    } else {
      return Fail(e, "expected <text> or <qr>, got <" + ie.nodeName() + ">");
    }
    const std::string& place = ie.getAttribute("place");
    bool found = false;
    for (const auto& [pname, pvalue] : kPlaces) {
      if (place == pname) {
        item.place = pvalue;
        found = true;
      }
    }
    if (!found) return Fail(ie, "place must be header-/footer- left, center or right");
    t.running.push_back(std::move(item));
  }
  if (!has_qr) return Fail(e, "every template needs a <qr> (document number and verification key)");
  return core::Status::Ok();
}

core::Status Compiler::Run(const Element& root, Template& t) {
  if (root.nodeName() != "template") return Fail(root, "the root element must be <template>");
  BEIAN_RETURN_IF_ERROR(CheckAttributes(root, {"kind", "version", "title"}));
  t.kind = root.getAttribute("kind");
  t.title = root.getAttribute("title");
  BEIAN_ASSIGN_OR_RETURN(float version, Number(root, "version", 0));
  t.version = static_cast<int>(version);
  if (t.kind.empty() || t.version < 1) return Fail(root, "needs kind and version >= 1");
  const int song = 0;
  const int hei = roles_.size() > 1 ? 1 : 0;
  auto role_index = [&](const char* name, int fallback) {
    auto it = std::find(roles_.begin(), roles_.end(), name);
    return it == roles_.end() ? fallback : static_cast<int>(it - roles_.begin());
  };
  const int song_role = role_index("song", song), hei_role = role_index("hei", hei);
  t.styles = {{"body", song_role, 12, 1.5f, false},   {"title", hei_role, 22, 1.5f, true},
              {"heading", hei_role, 14, 1.5f, true},  {"cell", song_role, 10.5f, 1.35f, false},
              {"label", song_role, 10.5f, 1.35f, false}, {"head", hei_role, 10.5f, 1.35f, false},
              {"small", song_role, 9, 1.3f, false}};
  styles_ = &t.styles;
  const Element* running = nullptr;
  for (Node* n = root.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& e = static_cast<const Element&>(*n);
    if (e.nodeName() == "styles") BEIAN_RETURN_IF_ERROR(ParseStyles(e, t));
  }
  t.body_style = FindStyle("body");
  t.title_style = FindStyle("title");
  t.heading_style = FindStyle("heading");
  t.cell_style = FindStyle("cell");
  t.label_style = label_style_ = FindStyle("label");
  t.head_style = FindStyle("head");
  t.small_style = FindStyle("small");
  for (Node* n = root.firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Node::TEXT_NODE && !Trim(n->nodeValue()).empty()) {
      return Fail(root, "text outside a section: \"" + Trim(n->nodeValue()) + "\"");
    }
    if (n->nodeType() != Node::ELEMENT_NODE) continue;
    const Element& e = static_cast<const Element&>(*n);
    const std::string& name = e.nodeName();
    if (name == "styles") continue;
    if (name == "page") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"size", "margin"}));
      if (e.hasAttribute("size") && e.getAttribute("size") != "A4") {
        return Fail(e, "only size=\"A4\" is supported");
      }
      std::vector<float> m;
      for (const std::string& part : Split(Trim(e.getAttribute("margin")), ' ')) {
        float v = 0;
        if (part.empty()) continue;
        if (!ParseFloat(part, v) || v < 5 || v > 80) {
          return Fail(e, "margin must be 1–4 numbers in mm between 5 and 80");
        }
        m.push_back(v);
      }
      if (m.size() == 1) m = {m[0], m[0], m[0], m[0]};
      if (m.size() == 2) m = {m[0], m[1], m[0], m[1]};
      if (m.size() == 3) m = {m[0], m[1], m[2], m[1]};
      if (m.size() == 4) {
        t.page.top_mm = m[0];
        t.page.right_mm = m[1];
        t.page.bottom_mm = m[2];
        t.page.left_mm = m[3];
      } else if (!m.empty()) {
        return Fail(e, "margin must be 1–4 numbers in mm");
      }
    } else if (name == "running") {
      running = &e;
    } else if (name == "section") {
      BEIAN_RETURN_IF_ERROR(CheckAttributes(e, {"name", "hide"}));
      Section section;
      if (e.hasAttribute("hide")) {
        if (e.getAttribute("hide") != "page-number") return Fail(e, "hide must be \"page-number\"");
        section.hide_page_number = true;
      }
      BEIAN_RETURN_IF_ERROR(ParseBlocks(e, section.blocks));
      t.sections.push_back(std::move(section));
    } else {
      return Fail(root, "unexpected <" + name + "> (expected page, styles, running, section)");
    }
  }
  if (running == nullptr) return Fail(root, "needs <running> with at least a <qr>");
  BEIAN_RETURN_IF_ERROR(ParseRunning(*running, t));
  if (t.sections.empty()) return Fail(root, "needs at least one <section>");
  return core::Status::Ok();
}

}  // namespace

core::Result<Template> Template::Compile(std::string_view xml,
                                         const std::vector<std::string>& roles) {
  Template t;
  try {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, false);
    Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(std::string(xml));
    Compiler compiler(roles);
    BEIAN_RETURN_IF_ERROR(compiler.Run(*doc->documentElement(), t));
  } catch (const Poco::Exception& e) {
    return core::ParseError("template XML: " + e.displayText());
  }
  return t;
}

}  // namespace beian::render
