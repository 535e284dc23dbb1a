// Data binding: resolving {expressions} against the JSON data, formatters, conditions.
#ifndef BEIAN_RENDER_BIND_H_
#define BEIAN_RENDER_BIND_H_

#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"
#include "template.h"

namespace beian::render {

// Values that come from the rendering, not the data.
struct Variables {
  std::string number;
  std::string issued_at;
  std::string verify_key;
  int page = 0;
  int pages = 0;
  // Set when an expression read $number or $verify_key: a layout that never
  // did is the same for every number of the same printed width.
  mutable bool number_read = false;
};

// The chain of data scopes an expression is resolved in: the root, then each
// <table>/<each> element, innermost last. Cheap to copy-extend.
class Scope {
 public:
  Scope(const core::Json& root, const Variables& vars) : vars_(&vars) {
    frames_.push_back({&root, "", 0});
  }
  // A new scope with `element` (at `pointer`, position `index` from 1) innermost.
  Scope Enter(const core::Json& element, std::string pointer, int index) const {
    Scope s = *this;
    s.frames_.push_back({&element, std::move(pointer), index});
    return s;
  }
  const Variables& vars() const { return *vars_; }

  // A resolved value: the JSON (nullptr when absent) and its JSON Pointer.
  struct Value {
    const core::Json* json = nullptr;
    std::string pointer;
  };
  // Resolves a path in the innermost frame that has its first segment; nullptr when absent.
  // `pointer`, when given, receives the value's JSON Pointer.
  const core::Json* Lookup(const Expr& expr, std::string* pointer) const;
  // Lookup with the pointer.
  Value Resolve(const Expr& expr) const;
  // The innermost element ($item) with its pointer.
  Value Current() const { return {frames_.back().json, frames_.back().pointer}; }
  // The current 1-based element index ($index); 0 outside any loop.
  int index() const { return frames_.back().index; }

 private:
  struct Frame {
    const core::Json* json;
    std::string pointer;
    int index;
  };
  std::vector<Frame> frames_;
  const Variables* vars_;
};

// Evaluates an expression to text. `pointer` receives the JSON Pointer of the value (or "").
// Fails when a formatter gets a value it cannot format (e.g. `date` of "yesterday").
core::Result<std::string> Evaluate(const Expr& expr, const Scope& scope, std::string* pointer);

// Evaluates an <if test>.
bool Test(const Condition& condition, const Scope& scope);

// The elements of an array expression with their pointers (empty if absent or not an array).
std::vector<Scope::Value> Elements(const Expr& expr, const Scope& scope);

}  // namespace beian::render

#endif  // BEIAN_RENDER_BIND_H_
