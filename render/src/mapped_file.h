// Files mapped read-only: font files and prepared faces, tens of megabytes each, of which a
// process reads only what it draws.
#ifndef BEIAN_RENDER_MAPPED_FILE_H_
#define BEIAN_RENDER_MAPPED_FILE_H_

#include <memory>
#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "beian/render/engine.h"

namespace beian::render {

class MappedFile : public FontFile {
 public:
  // Maps `path` whole.
  static core::Result<std::shared_ptr<const MappedFile>> Open(const std::string& path);
  ~MappedFile() override;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const override { return {data_, size_}; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;
  size_t size_;
};

// "device:inode size modified changed" of the file at `path` (times in nanoseconds), "" when it
// cannot be read: what tells its contents apart without reading them.
std::string FileIdentity(const std::string& path);

}  // namespace beian::render

#endif  // BEIAN_RENDER_MAPPED_FILE_H_
