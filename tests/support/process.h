// Runs real programs (pdftotext, pdffonts, qpdf, the beian binary) from tests.
#ifndef BEIAN_TESTS_SUPPORT_PROCESS_H_
#define BEIAN_TESTS_SUPPORT_PROCESS_H_

#include <string>
#include <vector>

namespace beian::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments (no shell), capturing stdout and stderr.
ProcessResult Run(const std::vector<std::string>& argv);

// A fresh directory under the system temp folder, removed by the destructor
// (with the PostgreSQL catalogs of its folders, see test_catalog.h).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& bytes);

// pdftotext of one page (or the whole file when page is 0), with all whitespace removed.
std::string PdfText(const std::string& pdf_path, int page = 0, bool layout = false);
// pdftotext -raw (content stream order), whitespace removed: the order text was drawn in,
// which the default mode may rearrange around wide gaps such as underlined blanks.
std::string PdfRawText(const std::string& pdf_path, int page = 0);
// Number of pages per pdfinfo.
int PdfPages(const std::string& pdf_path);
// Removes every whitespace character (ASCII and U+3000).
std::string StripWhitespace(const std::string& s);

// The source tree root (templates/, fonts/).
std::string SourceRoot();

}  // namespace beian::testing

#endif  // BEIAN_TESTS_SUPPORT_PROCESS_H_
