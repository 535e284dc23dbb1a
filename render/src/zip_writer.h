// A deterministic ZIP archive (PKWARE APPNOTE 6.3: local headers, data, central directory):
// entries in the order added, one fixed time for all, raw DEFLATE (libdeflate) or stored.
// Equal entries give equal bytes. The OFD container (GB/T 33190-2016, 7.1) is such a ZIP.
#ifndef BEIAN_RENDER_SRC_ZIP_WRITER_H_
#define BEIAN_RENDER_SRC_ZIP_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace beian::render {

class ZipWriter {
 public:
  // Every entry is stamped with this local date and time (MS-DOS format, 2-second steps).
  ZipWriter(int year, int month, int day, int hour, int minute, int second);

  // Adds a file; `deflate_level` 0 stores it, 1–12 deflates it (kept deflated only if smaller).
  void Add(std::string_view name, std::string_view bytes, int deflate_level);

  // The archive: the entries, the central directory and its end record.
  std::string Finish();

 private:
  uint16_t dos_time_ = 0, dos_date_ = 0;
  std::string body_;
  std::string directory_;
  uint16_t entries_ = 0;
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_SRC_ZIP_WRITER_H_
