// A compiled template: the XML of docs/template-language.md as a tree of plain structs.
#ifndef BEIAN_RENDER_TEMPLATE_H_
#define BEIAN_RENDER_TEMPLATE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::render {

struct Style {
  std::string name;
  int role = 0;          // index into the engine's font roles
  float size = 12;       // pt
  float leading = 1.5f;  // line height / size
  bool bold = false;
};

enum class Align { kLeft, kCenter, kRight, kJustify };
enum class VAlign { kMiddle, kTop };

struct Formatter {
  std::string name;
  std::string arg;
};

// {path|formatter:arg}: a dotted path (first segment may be a $variable).
struct Expr {
  std::vector<std::string> path;
  std::vector<Formatter> formatters;
  std::string source;  // as written, for messages
};

struct Condition {
  enum class Op { kTruthy, kFalsy, kEqual, kNotEqual };
  Op op = Op::kTruthy;
  Expr expr;
  std::string literal;
};

struct Inline {
  enum class Kind { kText, kExpr, kSpan, kUnderline, kBreak, kChecks, kCheck, kIf };
  Kind kind = Kind::kText;
  std::string text;                  // kText
  Expr expr;                         // kExpr; kChecks: the value
  int style = -1;                    // kSpan: -1 keeps the enclosing style
  bool bold = false;                 // kSpan
  float min_mm = 0;                  // kUnderline
  std::vector<std::string> options;  // kChecks
  Condition condition;               // kIf; kCheck: ticked when it holds
  bool bound = false;                // kCheck: has a value (else a box to tick by hand)
  std::vector<Inline> children;      // kSpan, kUnderline, kIf (then)
  std::vector<Inline> otherwise;     // kIf (else)
};

struct Block;

struct Cell {
  int span = 1;
  int rowspan = 1;
  Align align = Align::kLeft;
  VAlign valign = VAlign::kMiddle;
  int style = -1;
  std::vector<Inline> inlines;
  std::vector<Block> blocks;  // when the cell holds <p> blocks
};

struct Row {
  float min_height_mm = 0;
  std::vector<Cell> cells;
};

struct Block {
  enum class Kind {
    kParagraph, kVSpace, kPageBreak, kKeep, kGrid, kTable, kSignature, kSeal, kIf, kEach
  };
  Kind kind = Kind::kParagraph;
  // Paragraph.
  int style = -1;
  Align align = Align::kLeft;
  float indent_em = 0, hang_em = 0, space_before_mm = 0, space_after_mm = 0;
  std::vector<Inline> inlines;
  // VSpace.
  float height_mm = 0;
  // Keep, If, Each; for a table, the <note> blocks kept with its last row.
  std::vector<Block> children;
  std::vector<Block> otherwise;
  Condition condition;
  Expr each;
  // Grid and table.
  std::vector<float> cols_mm;
  std::vector<Row> head, body, foot;
  std::vector<Inline> caption, continued, empty;
  // Signature and seal.
  std::string label;
  float line_mm = 45, size_mm = 38;
  bool date = false;
};

struct Section {
  bool hide_page_number = false;
  std::vector<Block> blocks;
};

struct RunningItem {
  enum class Place { kHeaderLeft, kHeaderCenter, kHeaderRight, kFooterLeft, kFooterCenter, kFooterRight };
  Place place = Place::kFooterCenter;
  bool page_number = false;  // class="page-number"
  bool qr = false;
  float size_mm = 16;
  int style = -1;
  std::vector<Inline> inlines;
};

struct PageSetup {
  float width_mm = 210, height_mm = 297;
  float top_mm = 20, right_mm = 20, bottom_mm = 25, left_mm = 20;
};

}  // namespace beian::render

namespace beian::render {

class Template {
 public:
  std::string kind, title;
  int version = 1;
  PageSetup page;
  std::vector<Style> styles;
  std::vector<RunningItem> running;
  std::vector<Section> sections;
  int body_style = 0, title_style = 0, heading_style = 0, cell_style = 0, label_style = 0,
      head_style = 0, small_style = 0;

  // Compiles XML; `roles` are the font role names the engine knows, in index order.
  static core::Result<Template> Compile(std::string_view xml,
                                        const std::vector<std::string>& roles);
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_TEMPLATE_H_
