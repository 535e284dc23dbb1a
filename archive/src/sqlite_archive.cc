#include "beian/archive/sqlite_archive.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "catalog_connection.h"
#include "catalog_setup.h"
#include "posix_file.h"

namespace beian::archive {

core::Result<std::unique_ptr<SqliteArchive>> SqliteArchive::Open(const std::string& dir,
                                                                 ArchiveOptions options) {
  std::string folder = dir;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  if (folder.empty()) return core::InvalidArgument("archive directory is empty");
  // A new catalog is 0600 (SQLite gives its log files the catalog's mode),
  // in a folder OpenImpl makes 0700.
  std::error_code error;
  if (!std::filesystem::exists(folder, error)) {
    std::filesystem::create_directories(folder, error);
    if (error) return PosixError("cannot create archive directory", folder, error.value());
    if (::chmod(folder.c_str(), 0700) != 0) return PosixError("cannot restrict archive directory", folder, errno);
  }
  const std::string catalog = folder + "/catalog.sqlite3";
  {
    FileDescriptor created(::open(catalog.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (created.get() < 0 && errno != EEXIST) return PosixError("cannot create", catalog, errno);
  }
  Setup setup;
  setup.dir = folder;
  const int busy_timeout_ms = options.busy_timeout_ms;
  setup.options = std::move(options);
  setup.open = [catalog, busy_timeout_ms](bool read_only) {
    return ConnectToCatalog(catalog, read_only, busy_timeout_ms);
  };
  std::unique_ptr<SqliteArchive> archive(new SqliteArchive());
  BEIAN_RETURN_IF_ERROR(archive->OpenCatalog(std::move(setup)));
  return archive;
}

}  // namespace beian::archive
