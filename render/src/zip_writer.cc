#include "zip_writer.h"

#include <libdeflate.h>

#include <algorithm>
#include <memory>

namespace beian::render {
namespace {

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

std::string RawDeflate(std::string_view data, int level) {
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(libdeflate_alloc_compressor(level),
                                                                               libdeflate_free_compressor);
  std::string out(libdeflate_deflate_compress_bound(c.get(), data.size()), '\0');
  out.resize(libdeflate_deflate_compress(c.get(), data.data(), data.size(), out.data(), out.size()));
  return out;
}

}  // namespace

ZipWriter::ZipWriter(int year, int month, int day, int hour, int minute, int second) {
  dos_date_ = static_cast<uint16_t>(std::clamp(year - 1980, 0, 127) << 9 | month << 5 | day);
  dos_time_ = static_cast<uint16_t>(hour << 11 | minute << 5 | second / 2);
}

void ZipWriter::Add(std::string_view name, std::string_view bytes, int deflate_level) {
  const uint32_t crc = libdeflate_crc32(0, bytes.data(), bytes.size());
  std::string deflated = deflate_level > 0 ? RawDeflate(bytes, deflate_level) : std::string();
  const bool stored = deflate_level == 0 || deflated.empty() || deflated.size() >= bytes.size();
  const std::string_view data = stored ? bytes : std::string_view(deflated);
  const uint32_t offset = static_cast<uint32_t>(body_.size());
  auto header = [&](std::string& out, bool central) {
    Put32(out, central ? 0x02014b50 : 0x04034b50);
    if (central) Put16(out, 20);  // made by: MS-DOS, spec 2.0
    Put16(out, 20);               // needed to extract: 2.0
    Put16(out, 0x0800);           // flags: the name is UTF-8
    Put16(out, stored ? 0 : 8);
    Put16(out, dos_time_);
    Put16(out, dos_date_);
    Put32(out, crc);
    Put32(out, static_cast<uint32_t>(data.size()));
    Put32(out, static_cast<uint32_t>(bytes.size()));
    Put16(out, static_cast<uint32_t>(name.size()));
    Put16(out, 0);  // extra field
    if (central) {
      Put16(out, 0);  // comment
      Put16(out, 0);  // disk
      Put16(out, 0);  // internal attributes
      Put32(out, 0);  // external attributes
      Put32(out, offset);
    }
    out.append(name);
  };
  header(body_, false);
  body_.append(data);
  header(directory_, true);
  ++entries_;
}

std::string ZipWriter::Finish() {
  std::string out = std::move(body_);
  const uint32_t directory_at = static_cast<uint32_t>(out.size());
  out += directory_;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, entries_);
  Put16(out, entries_);
  Put32(out, static_cast<uint32_t>(directory_.size()));
  Put32(out, directory_at);
  Put16(out, 0);
  return out;
}

}  // namespace beian::render
