// Text for XML content and attribute values, escaped: shared by the XMP of PDF/A documents and the
// XML files of the OFD package.
#ifndef BEIAN_RENDER_SRC_XML_TEXT_H_
#define BEIAN_RENDER_SRC_XML_TEXT_H_

#include <string>
#include <string_view>

namespace beian::render {

inline void AppendXmlText(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
}

inline std::string XmlText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendXmlText(out, s);
  return out;
}

}  // namespace beian::render

#endif  // BEIAN_RENDER_SRC_XML_TEXT_H_
