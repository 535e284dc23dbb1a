#include "beian/archive/blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/core/digest.h"

namespace beian::archive {
namespace {

using testing::FilesBelow;
using testing::FlipByte;
using testing::TempDir;

constexpr char kAbcSha256[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kAbcSm3[] =
    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

std::unique_ptr<DirectoryBlobStore> OpenStore(const TempDir& dir) {
  core::Result<std::unique_ptr<DirectoryBlobStore>> store = DirectoryBlobStore::Open(dir.path() + "/blobs");
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

TEST(BlobStoreTest, PutReturnsBothDigestsAndGetReturnsTheBytes) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  core::Result<BlobInfo> info = store.Put("abc");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, kAbcSha256);
  EXPECT_EQ(info->sm3, kAbcSm3);
  EXPECT_EQ(info->size, 3);
  EXPECT_EQ(store.PathOf(kAbcSha256),
            dir.path() + "/blobs/ba/" + std::string(kAbcSha256 + 2));
  core::Result<std::string> bytes = store.Get(kAbcSha256);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, "abc");
  EXPECT_TRUE(*store.Has(kAbcSha256));
}

TEST(BlobStoreTest, BinaryBytesRoundTrip) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  std::string bytes;
  for (int i = 0; i < 300000; ++i) bytes += static_cast<char>(i * 7 % 256);
  core::Result<BlobInfo> info = store.Put(bytes);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256, core::Sha256Hex(bytes));
  EXPECT_EQ(*store.Get(info->sha256), bytes);
  core::Result<BlobInfo> rehashed = store.Rehash(info->sha256);
  ASSERT_TRUE(rehashed.ok());
  EXPECT_EQ(rehashed->sha256, info->sha256);
  EXPECT_EQ(rehashed->sm3, info->sm3);
  EXPECT_EQ(rehashed->size, 300000);
}

TEST(BlobStoreTest, SecondPutOfTheSameBytesDoesNotRewriteTheFile) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  ASSERT_TRUE(store.Put("abc").ok());
  struct stat before;
  ASSERT_EQ(::stat(store.PathOf(kAbcSha256).c_str(), &before), 0);
  core::Result<BlobInfo> again = store.Put("abc");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->sha256, kAbcSha256);
  struct stat after;
  ASSERT_EQ(::stat(store.PathOf(kAbcSha256).c_str(), &after), 0);
  // A rewrite goes through rename and would give a new inode.
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(FilesBelow(dir.path() + "/blobs").size(), 1u);
}

TEST(BlobStoreTest, DamagedBlobIsNotRepairedByPut) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  ASSERT_TRUE(store.Put("abc").ok());
  FlipByte(store.PathOf(kAbcSha256), 1);
  ASSERT_TRUE(store.Put("abc").ok());
  core::Result<BlobInfo> rehashed = store.Rehash(kAbcSha256);
  ASSERT_TRUE(rehashed.ok());
  EXPECT_NE(rehashed->sha256, kAbcSha256);  // damage stays visible to verify
  EXPECT_EQ(rehashed->size, 3);
}

TEST(BlobStoreTest, WritesLeaveNoTemporaryFiles) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(store.Put("blob " + std::to_string(i)).ok());
  }
  ASSERT_TRUE(store.Put("blob 3").ok());
  const std::vector<std::string> files = FilesBelow(dir.path() + "/blobs");
  EXPECT_EQ(files.size(), 64u);
  for (const std::string& file : files) {
    EXPECT_EQ(file.find("/."), std::string::npos) << file;
    EXPECT_EQ(file.find("tmp"), std::string::npos) << file;
  }
  core::Result<BlobListing> listing = store.List();
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->blobs.size(), 64u);
  EXPECT_TRUE(listing->strays.empty());
}

TEST(BlobStoreTest, BlobsAreStoredReadOnlyForTheOwnerAlone) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  ASSERT_TRUE(store.Put("abc").ok());
  struct stat st;
  ASSERT_EQ(::stat(store.PathOf(kAbcSha256).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);
}

TEST(BlobStoreTest, ListIsSortedAndSeparatesStrays) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  std::vector<std::string> names;
  for (const char* text : {"one", "two", "three"}) {
    names.push_back(store.Put(text)->sha256);
  }
  std::sort(names.begin(), names.end());
  std::filesystem::create_directories(dir.path() + "/blobs/ba");
  std::ofstream(dir.path() + "/blobs/ba/.7816bf8f01cfea41.tmp.Ab12Cd") << "x";
  std::ofstream(dir.path() + "/blobs/README") << "x";
  core::Result<BlobListing> listing = store.List();
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  EXPECT_EQ(listing->blobs, names);
  EXPECT_EQ(listing->strays, (std::vector<std::string>{
                                 "README", "ba/.7816bf8f01cfea41.tmp.Ab12Cd"}));
}

TEST(BlobStoreTest, MissingBlobIsNotFoundAndBadNamesAreRefused) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  EXPECT_EQ(store.Get(kAbcSha256).status().code(), core::Code::kNotFound);
  EXPECT_FALSE(*store.Has(kAbcSha256));
  EXPECT_EQ(store.Get("../../etc/passwd").status().code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(store.Get(std::string(64, 'A')).status().code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(store.Has("abc").status().code(), core::Code::kInvalidArgument);
}

TEST(BlobStoreTest, OsErrorsBecomeIoErrorsNamingThePath) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  // A file where the fan-out directory should be.
  std::ofstream(dir.path() + "/blobs/ba") << "in the way";
  core::Result<BlobInfo> info = store.Put("abc");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), core::Code::kIoError);
  EXPECT_NE(info.status().message().find(dir.path() + "/blobs/ba"),
            std::string::npos)
      << info.status().message();
}

TEST(BlobStoreTest, OpenCreatesTheRootButNotItsParent) {
  TempDir dir;
  core::Result<std::unique_ptr<DirectoryBlobStore>> store = DirectoryBlobStore::Open(dir.path() + "/new/blobs");
  ASSERT_FALSE(store.ok());  // parent "new" does not exist: not created
  EXPECT_EQ(store.status().code(), core::Code::kNotFound);
  store = DirectoryBlobStore::Open(dir.path() + "/blobs/");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->root(), dir.path() + "/blobs");
  struct stat st;
  EXPECT_EQ(::stat((dir.path() + "/blobs").c_str(), &st), 0);
}

TEST(BlobStoreTest, StagedBlobsAppearOnlyWhenPublished) {
  TempDir dir;
  std::unique_ptr<DirectoryBlobStore> opened = OpenStore(dir);
  DirectoryBlobStore& store = *opened;
  const std::vector<std::string> contents = {"%PDF one", "%PDF two",
                                             "%PDF three"};
  std::vector<StagedBlob> staged;
  for (const std::string& c : contents) {
    core::Result<StagedBlob> s = store.Stage(c);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_FALSE(*store.Has(s->info.sha256));  // not visible yet
    staged.push_back(*s);
  }
  core::Result<StagedBlob> dropped = store.Stage("%PDF never published");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(store.List()->strays.size(), 4u);  // the temp files

  std::vector<const StagedBlob*> batch;
  for (const StagedBlob& s : staged) batch.push_back(&s);
  ASSERT_TRUE(store.Publish(batch).ok());
  for (size_t i = 0; i < contents.size(); ++i) {
    EXPECT_EQ(*store.Get(staged[i].info.sha256), contents[i]);
  }
  store.Discard(*dropped);
  EXPECT_TRUE(store.List()->strays.empty());
  EXPECT_EQ(store.List()->blobs.size(), 3u);

  // Staging bytes already stored writes nothing; publishing it is a no-op.
  core::Result<StagedBlob> again = store.Stage("%PDF two");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->staged_as.empty());
  EXPECT_TRUE(store.Publish({&*again}).ok());
}

}  // namespace
}  // namespace beian::archive
