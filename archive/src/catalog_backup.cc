// BackupArchive and RestoreArchive: a consistent copy of a serving archive,
// and the archive made anew from one.
//
// A backup folder holds catalog.sqlite3, blobs/, checkpoints, the public keys
// and BACKUP (written last: key=value lines saying what the copy holds and
// what was kept apart). Its catalog is SQLite whatever the source's engine.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "beian/archive/catalog_archive.h"
#include "beian/core/digest.h"
#include "posix_file.h"
#include "sql.h"
#include "sqlite_db.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

constexpr char kCatalogFile[] = "catalog.sqlite3";
constexpr char kMarker[] = "BACKUP";

// Whether `path` is `folder` or lies inside it (both as they would resolve).
bool Within(const std::string& path, const std::string& folder) {
  auto resolved = [](const std::string& name) {
    std::error_code error;
    std::string out = fs::weakly_canonical(fs::absolute(name, error), error).string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out + "/";
  };
  return resolved(path).rfind(resolved(folder), 0) == 0;
}

// `dir` made (0700) if missing; kFailedPrecondition unless empty.
core::Status EmptyFolder(const std::string& dir) {
  std::error_code error;
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error)) return core::FailedPrecondition(dir + " is not a folder");
    if (!fs::is_empty(dir, error)) return core::FailedPrecondition(dir + " is not empty");
    return core::Status::Ok();
  }
  fs::create_directories(dir, error);
  if (error) return PosixError("cannot create", dir, error.value());
  if (::chmod(dir.c_str(), 0700) != 0) return PosixError("cannot restrict", dir, errno);
  return core::Status::Ok();
}

// Copies `from` to `to` (created 0600 or `mode`, synced); when `sha256` is
// given, the bytes read must hash to it.
core::Status CopyFile(const std::string& from, const std::string& to, const std::string& sha256 = "",
                      mode_t mode = 0600) {
  FileDescriptor in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return PosixError("cannot read", from, errno);
  FileDescriptor out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (out.get() < 0) return PosixError("cannot create", to, errno);
  core::Sha256Stream digest;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError("cannot read", from, errno);
    if (n == 0) break;
    const std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    if (!sha256.empty()) digest.Update(chunk);
    BEIAN_RETURN_IF_ERROR(WriteAll(out.get(), chunk, to));
  }
  if (!sha256.empty() && digest.FinalHex() != sha256) {
    return core::FailedPrecondition(from + " does not hash to its name: the blob is damaged (run archive verify)");
  }
  if (::fsync(out.get()) != 0) return PosixError("cannot sync", to, errno);
  if (out.Close() != 0) return PosixError("cannot close", to, errno);
  return core::Status::Ok();
}

// The blobs under `blobs` (content-addressed: blobs/ab/cdef... is the blob
// whose SHA-256 is abcdef...), by relative path, with sizes.
core::Result<std::vector<std::pair<std::string, int64_t>>> ListBlobs(const std::string& blobs) {
  std::vector<std::pair<std::string, int64_t>> out;
  std::error_code error;
  if (!fs::exists(blobs, error)) return out;
  for (auto it = fs::recursive_directory_iterator(blobs, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    const fs::path relative = fs::relative(it->path(), blobs, error);
    const std::string name = relative.string();
    // ab/cdef... only (a write under way names its temporary file .cdef...),
    // tested by name before the file is looked at: it may be gone by then.
    if (name.size() != 65 || name[2] != '/' || relative.filename().string()[0] == '.') continue;
    if (!it->is_regular_file(error)) continue;
    out.emplace_back(name, static_cast<int64_t>(it->file_size(error)));
  }
  if (error) return PosixError("cannot list", blobs, error.value());
  std::sort(out.begin(), out.end());
  return out;
}

// Copies every blob of `from_dir`/blobs into `to_dir`/blobs, each checked
// against its name.
core::Status CopyBlobs(const std::string& from_dir, const std::string& to_dir, BackupSummary& summary,
                       const Progress& progress) {
  BEIAN_ASSIGN_OR_RETURN(const auto blobs, ListBlobs(from_dir + "/blobs"));
  int64_t total = 0;
  for (const auto& [name, size] : blobs) total += size;
  std::string made;
  for (const auto& [name, size] : blobs) {
    const std::string sub = to_dir + "/blobs/" + name.substr(0, 2);
    if (sub != made) {
      std::error_code error;
      fs::create_directories(sub, error);
      if (error) return PosixError("cannot create", sub, error.value());
      made = sub;
    }
    BEIAN_RETURN_IF_ERROR(CopyFile(from_dir + "/blobs/" + name, to_dir + "/blobs/" + name,
                                   name.substr(0, 2) + name.substr(3), 0400));
    ++summary.blobs;
    summary.blob_bytes += size;
    if (progress) progress("blobs", summary.blob_bytes, total);
  }
  std::error_code error;
  for (const auto& e : fs::directory_iterator(to_dir + "/blobs", error)) {
    BEIAN_RETURN_IF_ERROR(FsyncDirectory(e.path().string()));
  }
  if (fs::exists(to_dir + "/blobs", error)) BEIAN_RETURN_IF_ERROR(FsyncDirectory(to_dir + "/blobs"));
  return core::Status::Ok();
}

// The files of `from_dir` but the catalog, blobs/, BACKUP and those `skip`
// names, into `to_dir` (the checkpoints file among them), permissions kept.
core::Status CopyOtherFiles(const std::string& from_dir, const std::string& to_dir,
                            const std::function<bool(const fs::path&)>& skip) {
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(from_dir, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    const fs::path relative = fs::relative(it->path(), from_dir, error);
    const std::string top = relative.begin()->string();
    const fs::path target = fs::path(to_dir) / relative;
    // Hidden entries are not the archive's (the service user's ~/.cache, when
    // its home is the archive folder).
    if (top == "blobs" || top == kMarker || top.rfind(kCatalogFile, 0) == 0 || top[0] == '.' ||
        fs::exists(target, error)) {
      if (it->is_directory(error)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(error)) {
      fs::create_directories(target, error);
      continue;
    }
    // Never a private key: in keys/ only public halves, and no leftover of a
    // secret's interrupted write (checkpoint.pem.tmp-...).
    const std::string name = relative.filename().string();
    const bool keys = top == "keys" && (name.size() < 4 || name.compare(name.size() - 4, 4, ".pub") != 0);
    if (!it->is_regular_file(error) || keys || skip(it->path())) continue;
    const bool writable = (it->status(error).permissions() & fs::perms::owner_write) != fs::perms::none;
    BEIAN_RETURN_IF_ERROR(CopyFile(it->path().string(), target.string(), "", writable ? 0600 : 0400));
  }
  if (error) return PosixError("cannot copy", from_dir, error.value());
  return core::Status::Ok();
}

// The checkpoints file read under a shared lock (its writer appends under an
// exclusive one, so no append is half there).
core::Result<std::string> ReadCheckpoints(const std::string& path) {
  FileDescriptor in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    if (errno == ENOENT) return std::string();
    return PosixError("cannot read", path, errno);
  }
  if (::flock(in.get(), LOCK_SH) != 0) return PosixError("cannot lock", path, errno);
  return ReadAll(in.get(), path);
}

// `file` up to and including the line `last` (the checkpoint the catalog
// records as its last); "" when none is recorded. Lines after it (signed
// after the catalog's snapshot, or an interrupted append) are left out.
core::Result<std::string> UpTo(const std::string& file, const std::string& last) {
  if (last.empty()) return std::string();
  const std::string line = last + "\n";
  size_t at = file.rfind("\n" + line);
  at = at == std::string::npos ? (file.rfind(line, 0) == 0 ? 0 : std::string::npos) : at + 1;
  if (at == std::string::npos) {
    return core::FailedPrecondition("the checkpoints file does not hold the catalog's last checkpoint (" + last +
                                    "): run archive verify");
  }
  return file.substr(0, at + line.size());
}

// The counts a summary gives and the last checkpoint recorded, read from the
// copied catalog.
core::Status CountRows(const std::string& dir, BackupSummary& summary) {
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                         SqliteDatabase::Open(dir + "/" + kCatalogFile, /*read_only=*/true, 10000));
  BEIAN_ASSIGN_OR_RETURN(summary.documents, db->QueryInt("SELECT count(*) FROM documents"));
  BEIAN_ASSIGN_OR_RETURN(summary.audit_entries, db->QueryInt("SELECT count(*) FROM audit_log"));
  BEIAN_ASSIGN_OR_RETURN(Statement last, db->Prepare("SELECT line FROM checkpoint_state WHERE id = 1"));
  BEIAN_ASSIGN_OR_RETURN(const bool recorded, last.Step());
  summary.last_checkpoint = recorded ? std::string(last.Text(0)) : "";
  return core::Status::Ok();
}

// The BACKUP file: its key=value lines, and the names kept apart.
struct Marker {
  std::map<std::string, std::string> fields;
  std::vector<std::string> kept_apart;
};

core::Result<Marker> ReadMarker(const std::string& backup_dir) {
  FileDescriptor in(::open((backup_dir + "/" + kMarker).c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    return core::FailedPrecondition(backup_dir + " is not a whole beian backup: it has no " + kMarker +
                                    " file (the backup did not finish, or this is another folder)");
  }
  BEIAN_ASSIGN_OR_RETURN(const std::string text, ReadAll(in.get(), backup_dir + "/" + kMarker));
  Marker marker;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    const size_t eq = line.find('=');
    if (eq != std::string::npos && line.compare(0, eq, "kept_apart") == 0) {
      marker.kept_apart.push_back(line.substr(eq + 1));
    } else if (eq != std::string::npos) {
      marker.fields[line.substr(0, eq)] = line.substr(eq + 1);
    }
    start = end + 1;
  }
  if (marker.fields["format"] != "beian-backup 1") {
    return core::FailedPrecondition(backup_dir + "/" + kMarker + ": not a beian backup this version reads");
  }
  return marker;
}

}  // namespace

core::Result<BackupSummary> BackupArchive(const std::string& from_dir, const std::string& from_catalog,
                                          const std::string& to_dir, const std::vector<Secret>& secrets,
                                          const std::string& keys_dir, const Progress& progress) {
  std::error_code error;
  if (Within(to_dir, from_dir)) return core::InvalidArgument("a backup of " + from_dir + " cannot be made inside it");
  if (!keys_dir.empty() && (Within(keys_dir, to_dir) || Within(keys_dir, from_dir))) {
    return core::InvalidArgument("the keys are kept apart: " + keys_dir + " must be neither in the backup nor in the archive");
  }
  BEIAN_RETURN_IF_ERROR(EmptyFolder(to_dir));
  if (!keys_dir.empty()) BEIAN_RETURN_IF_ERROR(EmptyFolder(keys_dir));
  BackupSummary summary;
  // 1. The catalog, in one snapshot.
  if (progress) progress("catalog", 0, 1);
  if (from_catalog.empty()) {
    BEIAN_RETURN_IF_ERROR(BackupSqliteCatalog(from_dir + "/" + kCatalogFile, to_dir + "/" + kCatalogFile));
  } else {
    BEIAN_RETURN_IF_ERROR(CopyCatalog(from_dir, from_catalog, to_dir, "", progress).status());
  }
  if (progress) progress("catalog", 1, 1);
  BEIAN_RETURN_IF_ERROR(CountRows(to_dir, summary));
  // 2. The checkpoints file, read after the snapshot (it only grows, and a
  //    line is written before the catalog records it), as far as the line
  //    the snapshot records as its last checkpoint.
  BEIAN_ASSIGN_OR_RETURN(const std::string checkpoints, ReadCheckpoints(from_dir + "/checkpoints"));
  BEIAN_ASSIGN_OR_RETURN(const std::string kept, UpTo(checkpoints, summary.last_checkpoint));
  BEIAN_RETURN_IF_ERROR(WriteFileSynced(to_dir + "/checkpoints", kept));
  // 3. The blobs: every one the snapshot names was written before it.
  BEIAN_RETURN_IF_ERROR(CopyBlobs(from_dir, to_dir, summary, progress));
  // 4. The folder's other files (the public key...), but the secrets.
  std::vector<fs::path> kept_apart;
  for (const Secret& secret : secrets) kept_apart.push_back(fs::weakly_canonical(secret.path, error));
  BEIAN_RETURN_IF_ERROR(CopyOtherFiles(from_dir, to_dir, [&](const fs::path& file) {
    std::error_code ignored;
    const fs::path canonical = fs::weakly_canonical(file, ignored);
    for (const fs::path& secret : kept_apart) {
      if (canonical.parent_path() == secret.parent_path() &&
          canonical.filename().string().rfind(secret.filename().string(), 0) == 0 &&
          canonical.filename().string().rfind(".pub") == std::string::npos) {
        return true;  // the secret, or a leftover of writing it
      }
    }
    return false;
  }));
  // 5. The secrets, apart.
  for (const Secret& secret : secrets) {
    if (!fs::exists(secret.path, error)) continue;
    summary.kept_apart.push_back(secret.name);
    if (!keys_dir.empty()) BEIAN_RETURN_IF_ERROR(CopyFile(secret.path, keys_dir + "/" + secret.name, "", 0400));
  }
  if (!keys_dir.empty()) BEIAN_RETURN_IF_ERROR(FsyncDirectory(keys_dir));
  // 6. BACKUP, last.
  std::string marker = "format=beian-backup 1\n";
  marker += "source_catalog=" + std::string(from_catalog.empty() ? "sqlite" : "postgresql") + "\n";
  marker += "documents=" + std::to_string(summary.documents) + "\n";
  marker += "audit_entries=" + std::to_string(summary.audit_entries) + "\n";
  marker += "blobs=" + std::to_string(summary.blobs) + "\n";
  marker += "blob_bytes=" + std::to_string(summary.blob_bytes) + "\n";
  marker += "last_checkpoint=" + summary.last_checkpoint + "\n";
  for (const std::string& name : summary.kept_apart) marker += "kept_apart=" + name + "\n";
  BEIAN_RETURN_IF_ERROR(WriteFileSynced(to_dir + "/" + kMarker, marker));
  BEIAN_RETURN_IF_ERROR(FsyncDirectory(to_dir));
  return summary;
}

core::Result<BackupSummary> RestoreArchive(const std::string& backup_dir, const std::string& to_dir,
                                           const std::string& to_catalog, const std::vector<Secret>& secrets,
                                           const std::string& keys_dir, const Progress& progress) {
  BEIAN_ASSIGN_OR_RETURN(Marker marker, ReadMarker(backup_dir));
  std::error_code error;
  // The secrets the backup kept apart, each to be put back from keys_dir.
  std::vector<Secret> put_back;
  for (const std::string& name : marker.kept_apart) {
    auto secret = std::find_if(secrets.begin(), secrets.end(), [&](const Secret& s) { return s.name == name; });
    if (secret == secrets.end()) continue;
    if (keys_dir.empty() || !fs::exists(keys_dir + "/" + name, error)) {
      return core::FailedPrecondition("the backup kept its " + name + " apart: " +
                                      (keys_dir.empty() ? std::string("give the folder it was kept in (--keys DIR)")
                                                        : keys_dir + " holds no " + name));
    }
    if (fs::exists(secret->path, error)) {
      return core::FailedPrecondition(secret->path + " exists already: a restore does not overwrite a key");
    }
    put_back.push_back(*secret);
  }
  if (Within(to_dir, backup_dir)) return core::InvalidArgument("an archive cannot be restored inside its backup");
  BEIAN_RETURN_IF_ERROR(EmptyFolder(to_dir));
  BackupSummary summary;
  summary.last_checkpoint = marker.fields["last_checkpoint"];
  // The blobs (each checked) and files first, the catalog last: a restore that
  // fails leaves no archive behind, its folder emptied again.
  const core::Status filled = [&]() -> core::Status {
    BEIAN_RETURN_IF_ERROR(CountRows(backup_dir, summary));
    BEIAN_RETURN_IF_ERROR(CopyBlobs(backup_dir, to_dir, summary, progress));
    BEIAN_RETURN_IF_ERROR(CopyOtherFiles(backup_dir, to_dir, [](const fs::path&) { return false; }));
    if (progress) progress("catalog", 0, 1);
    if (to_catalog.empty()) {
      BEIAN_RETURN_IF_ERROR(CopyFile(backup_dir + "/" + kCatalogFile, to_dir + "/" + kCatalogFile));
    } else {
      BEIAN_RETURN_IF_ERROR(CopyCatalog(backup_dir, "", to_dir, to_catalog, progress).status());
    }
    if (progress) progress("catalog", 1, 1);
    return core::Status::Ok();
  }();
  if (!filled.ok()) {
    for (const auto& entry : fs::directory_iterator(to_dir, error)) fs::remove_all(entry.path(), error);
    return filled;
  }
  for (const Secret& secret : put_back) {
    fs::create_directories(fs::path(secret.path).parent_path(), error);
    BEIAN_RETURN_IF_ERROR(CopyFile(keys_dir + "/" + secret.name, secret.path, "", 0400));
    summary.kept_apart.push_back(secret.path);
  }
  BEIAN_RETURN_IF_ERROR(FsyncDirectory(to_dir));
  return summary;
}

}  // namespace beian::archive
