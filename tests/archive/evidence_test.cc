// The audit log as a Merkle tree with signed checkpoints: every way of
// rewriting history that the hash chain alone cannot see — because the one
// rewriting it can write the whole catalog and recompute every hash — is
// caught against a checkpoint kept elsewhere, naming the first entry that
// differs.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "checkpoint_file.h"
#include "merkle_store.h"
#include "row_digest.h"
#include "test_catalog.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open(ArchiveOptions options = {}) {
    archive_.reset();
    auto opened = OpenTestArchive(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    catalog_ = archive_->catalog();
  }

  void Close() { archive_.reset(); }

  Document Issue() {
    NewDocument doc = SampleDocument(next_++, "");
    doc.number = *archive_->AllocateNumber("朝阳区", 2026, doc.kind);
    core::Result<Document> stored = archive_->Ingest(doc);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? *stored : Document{};
  }

  core::Checkpoint Checkpoint() {
    core::Result<core::Checkpoint> c = archive_->WriteCheckpoint();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : core::Checkpoint{};
  }

  VerifyReport Verify(const KeptCheckpoint* since = nullptr) {
    core::Result<VerifyReport> report = archive_->VerifyStorage(nullptr, since);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  VerifyReport VerifySince(const std::string& kept_text) {
    core::Result<KeptCheckpoint> kept = ParseKeptCheckpoint(kept_text);
    EXPECT_TRUE(kept.ok()) << kept.status().ToString();
    return Verify(kept.ok() ? &*kept : nullptr);
  }

  // Rewrites the actor of entry `seq` the way someone with write access to
  // the catalog would who knows how it is built: every later chain hash, the
  // head, the stored Merkle tree and the recorded checkpoint follow, so the
  // catalog is consistent with itself again.
  void RewriteActor(int64_t seq, const std::string& actor) {
    ASSERT_EQ(ExecSql(catalog_, "UPDATE audit_log SET actor = '" + actor +
                                    "' WHERE seq = " + std::to_string(seq)),
              "");
    RechainAndRebuildTree();
  }

  void RechainAndRebuildTree() { testing::RechainAuditLog(catalog_); }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
  std::string catalog_;
  int next_ = 0;
};

TEST_F(EvidenceTest, AnUntouchedLogExtendsEveryEarlierCheckpoint) {
  Issue();
  Issue();
  const core::Checkpoint early = Checkpoint();
  EXPECT_EQ(early.size, 2u);
  EXPECT_TRUE(core::VerifyCheckpoint(early, archive_->CheckpointKey()).ok());
  for (int i = 0; i < 5; ++i) Issue();
  const VerifyReport report = VerifySince(early.Line());
  EXPECT_TRUE(report.clean()) << report.problems.front().message;
  EXPECT_TRUE(report.notices.empty()) << report.notices.front().message;
  EXPECT_NE(report.since_result.find("the log of 7 entries extends the checkpoint given (2 entries"),
            std::string::npos)
      << report.since_result;
  EXPECT_NE(report.since_result.find("consistency proof of"), std::string::npos);
  // Verify signed the rest first: the latest checkpoint covers all 7.
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(core::ParseCheckpoint(report.latest_checkpoint)->size, 7u);
  EXPECT_EQ(report.merkle_root, core::MerkleHashHex(core::ParseCheckpoint(report.latest_checkpoint)->root));
  // A copy of the whole checkpoints file serves as well as a line.
  const VerifyReport by_file = VerifySince(ReadText(archive_->checkpoints_path()));
  EXPECT_TRUE(by_file.clean());
  EXPECT_NE(by_file.since_result.find("extends"), std::string::npos);
}

TEST_F(EvidenceTest, TheFileHoldsEveryLeafAndTheSignedCheckpointsAfterThem) {
  Issue();
  Issue();
  Checkpoint();
  Issue();
  Checkpoint();
  Checkpoint();  // nothing new: no second line for the same size
  const std::string text = ReadText(archive_->checkpoints_path());
  const CheckpointFile file = ParseCheckpointFile(text);
  EXPECT_TRUE(file.defects.empty());
  ASSERT_EQ(file.checkpoints.size(), 2u);
  EXPECT_EQ(file.checkpoints[0].size, 2u);
  EXPECT_EQ(file.checkpoints[1].size, 3u);
  ASSERT_EQ(file.leaves.size(), 3u);
  EXPECT_EQ(text.substr(0, 7), "leaf 1 ");
  for (const core::Checkpoint& c : file.checkpoints) {
    EXPECT_TRUE(core::VerifyCheckpoint(c, archive_->CheckpointKey()).ok());
    EXPECT_EQ(core::MerkleRoot({file.leaves.begin(), file.leaves.begin() + c.size}), c.root);
  }
  // The catalog records the last one too.
  EXPECT_EQ(QueryColumn(catalog_, "SELECT size FROM checkpoint_state"),
            std::vector<std::string>{"3"});
}

TEST_F(EvidenceTest, DeletedTailRowsWithTheHeadFixedAreNamed) {
  for (int i = 0; i < 5; ++i) Issue();
  const core::Checkpoint kept = Checkpoint();
  Close();
  // Entries 4 and 5, their documents, the head set to entry 3, the tree cut
  // back and the recorded checkpoint removed: the catalog agrees with
  // itself.
  ASSERT_EQ(ExecSql(catalog_,
                    "DELETE FROM idempotency_keys; DELETE FROM document_staff; "
                    "DELETE FROM documents WHERE id > 3; "
                    "DELETE FROM number_allocations WHERE serial > 3; "
                    "UPDATE number_counters SET next_serial = 4; "
                    "DELETE FROM audit_log WHERE seq > 3; "
                    "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM "
                    "audit_log WHERE seq = 3);"),
            "");
  RechainAndRebuildTree();
  Open();
  const VerifyReport report = VerifySince(kept.Line());
  ASSERT_FALSE(report.clean());
  bool named = false;
  for (const Finding& f : report.problems) {
    if (f.kind == FindingKind::kLogTruncated && f.audit_seq == 4) named = true;
  }
  EXPECT_TRUE(named) << report.problems.front().message;
  EXPECT_NE(report.since_result.find("does not extend"), std::string::npos);
}

TEST_F(EvidenceTest, AMiddleEntryRewrittenWithEveryLaterHashRecomputedIsNamed) {
  for (int i = 0; i < 6; ++i) Issue();
  const core::Checkpoint kept = Checkpoint();
  Close();
  RewriteActor(3, "mallory");
  Open();
  // Without the kept line, the checkpoints file names it; with it, too.
  for (const VerifyReport& report : {Verify(), VerifySince(kept.Line())}) {
    bool named = false;
    for (const Finding& f : report.problems) {
      EXPECT_NE(f.kind, FindingKind::kAuditChainBroken) << "the chain was recomputed";
      if (f.kind == FindingKind::kLogRewritten && f.audit_seq == 3) named = true;
    }
    EXPECT_TRUE(named);
  }
  // And the archive signs nothing over the rewritten log.
  core::Result<core::Checkpoint> refused = archive_->WriteCheckpoint();
  EXPECT_EQ(refused.status().code(), core::Code::kFailedPrecondition);
}

TEST_F(EvidenceTest, EditedCountersAreCaught) {
  for (int i = 0; i < 3; ++i) Issue();
  Close();
  for (const std::string sql :
       {"UPDATE number_counters SET next_serial = 1",
        "DELETE FROM number_counters"}) {
    TempDir copy;
    fs::copy(dir_.path(), copy.path(), fs::copy_options::recursive |
                                            fs::copy_options::overwrite_existing);
    beian::testing::CopyTestCatalog(dir_.path(), copy.path());
    ASSERT_EQ(ExecSql(beian::testing::TestCatalogIn(copy.path()), sql), "");
    auto opened = OpenTestArchive(copy.path());
    ASSERT_TRUE(opened.ok());
    const VerifyReport report = *(*opened)->VerifyStorage();
    bool caught = false;
    for (const Finding& f : report.problems) {
      if (f.kind == FindingKind::kCounterBehind) caught = true;
    }
    EXPECT_TRUE(caught) << sql;
  }
}

TEST_F(EvidenceTest, ACheckpointsFileSwappedForAnOlderOneOrDeletedIsReported) {
  Issue();
  Issue();
  Checkpoint();
  const std::string older = ReadText(archive_->checkpoints_path());
  Issue();
  const core::Checkpoint kept = Checkpoint();
  Close();
  const std::string path = dir_.path() + "/checkpoints";
  WriteText(path, older);
  Open();
  for (const VerifyReport& report : {Verify(), VerifySince(kept.Line())}) {
    bool reported = false;
    for (const Finding& f : report.problems) {
      if (f.kind == FindingKind::kCheckpointsMissing) reported = true;
    }
    EXPECT_TRUE(reported);
  }
  Close();
  fs::remove(path);
  Open();
  // Nothing is signed over the missing file: the catalog knows there was one.
  EXPECT_EQ(archive_->WriteCheckpoint().status().code(), core::Code::kFailedPrecondition);
  const VerifyReport report = VerifySince(kept.Line());
  bool reported = false;
  for (const Finding& f : report.problems) {
    if (f.kind == FindingKind::kCheckpointsMissing) reported = true;
  }
  EXPECT_TRUE(reported);
}

TEST_F(EvidenceTest, AReplacedSigningKeyIsReportedAndACopyOfTheFileStillNamesTheEntry) {
  for (int i = 0; i < 4; ++i) Issue();
  const core::Checkpoint kept = Checkpoint();
  const std::string kept_file = ReadText(archive_->checkpoints_path());
  const std::string old_key = archive_->CheckpointKey().KeyId();
  Close();
  // A new key, a rewritten entry, a fresh checkpoints file signed with it.
  fs::remove(dir_.path() + "/keys/checkpoint.pem");
  fs::remove(dir_.path() + "/keys/checkpoint.pem.pub");
  fs::remove(dir_.path() + "/checkpoints");
  RewriteActor(2, "mallory");
  Open();
  ASSERT_NE(archive_->CheckpointKey().KeyId(), old_key);
  Checkpoint();

  const VerifyReport by_line = VerifySince(kept.Line());
  bool key_reported = false, rewritten = false;
  for (const Finding& f : by_line.problems) {
    if (f.kind == FindingKind::kCheckpointKeyChanged) key_reported = true;
    if (f.kind == FindingKind::kLogRewritten) rewritten = true;
  }
  EXPECT_TRUE(key_reported);
  EXPECT_TRUE(rewritten);

  const VerifyReport by_file = VerifySince(kept_file);
  bool named = false;
  for (const Finding& f : by_file.problems) {
    if (f.kind == FindingKind::kLogRewritten && f.audit_seq == 2) named = true;
  }
  EXPECT_TRUE(named);
}

TEST_F(EvidenceTest, AReplacedKeyWithTheOldCheckpointsFileLeftIsNamedByTheKeptLineAlone) {
  for (int i = 0; i < 4; ++i) Issue();
  const core::Checkpoint kept = Checkpoint();
  Close();
  fs::remove(dir_.path() + "/keys/checkpoint.pem");
  fs::remove(dir_.path() + "/keys/checkpoint.pem.pub");
  RewriteActor(3, "mallory");
  Open();
  const VerifyReport report = VerifySince(kept.Line());
  bool key_reported = false, named = false;
  for (const Finding& f : report.problems) {
    if (f.kind == FindingKind::kCheckpointKeyChanged) key_reported = true;
    if (f.kind == FindingKind::kLogRewritten && f.audit_seq == 3) named = true;
  }
  EXPECT_TRUE(key_reported);
  EXPECT_TRUE(named) << "the old file's leaves, trusted by the kept line's root, name entry 3";
}

TEST_F(EvidenceTest, AnAlteredOrForeignCheckpointLineIsRefused) {
  Issue();
  const core::Checkpoint kept = Checkpoint();
  core::Checkpoint altered = kept;
  altered.time = "2026-01-01T00:00:00+08:00";
  const VerifyReport report = VerifySince(altered.Line());
  bool invalid = false;
  for (const Finding& f : report.problems) {
    if (f.kind == FindingKind::kCheckpointInvalid) invalid = true;
  }
  EXPECT_TRUE(invalid);
  EXPECT_FALSE(ParseKeptCheckpoint("beian-checkpoint/1 1 zz").ok());
  // A copy of the file whose leaves were edited is refused as evidence.
  std::string file = ReadText(archive_->checkpoints_path());
  file[file.find("leaf 1 ") + 7] = file[file.find("leaf 1 ") + 7] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(ParseKeptCheckpoint(file).ok());
}

TEST_F(EvidenceTest, IngestProofsLeadToTheSignedRoot) {
  std::vector<Document> docs;
  for (int i = 0; i < 5; ++i) docs.push_back(Issue());
  for (const Document& d : docs) {
    core::Result<AuditProof> proof = archive_->ProveIngest(d.number);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(proof->entry.action, "ingest");
    EXPECT_EQ(proof->entry.subject, d.number);
    EXPECT_EQ(proof->checkpoint.size, 5u) << "signed on demand to cover it";
    EXPECT_TRUE(core::VerifyCheckpoint(proof->checkpoint, archive_->CheckpointKey()).ok());
    EXPECT_TRUE(core::VerifyMerkleInclusion(
                    static_cast<uint64_t>(proof->entry.seq - 1), proof->checkpoint.size,
                    core::MerkleLeafHash(proof->leaf_data), proof->path,
                    proof->checkpoint.root)
                    .ok());
    const core::Json detail = *core::ParseJson(proof->entry.detail);
    EXPECT_EQ(detail.Find("sha256")->as_string(), d.sha256);
  }
  EXPECT_EQ(archive_->ProveIngest("京朝备〔2026〕999999号").status().code(),
            core::Code::kNotFound);
}

TEST_F(EvidenceTest, CheckpointsComeEveryNEntriesAndOnTheTimerAndOnClose) {
  ArchiveOptions options;
  options.checkpoint_every_entries = 3;
  options.checkpoint_interval = std::chrono::milliseconds(200);
  Open(options);
  const std::string path = archive_->checkpoints_path();
  auto signed_size = [&]() -> uint64_t {
    core::Result<CheckpointTail> tail = ReadCheckpointTail(path);
    return tail.ok() && tail->last ? tail->last->size : 0;
  };
  Issue();
  // The timer signs the one entry.
  for (int i = 0; i < 100 && signed_size() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(signed_size(), 1u);
  // A larger interval: only the count signs.
  options.checkpoint_interval = std::chrono::hours(1);
  Open(options);
  Issue();
  Issue();
  Issue();
  for (int i = 0; i < 100 && signed_size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(signed_size(), 4u);
  Issue();
  EXPECT_EQ(signed_size(), 4u);
  Close();
  EXPECT_EQ(signed_size(), 5u) << "closing signs the rest";
}

TEST_F(EvidenceTest, AnAppendCutShortIsANoticeAndTheNextCheckpointCutsItOff) {
  Issue();
  Checkpoint();
  Issue();
  Close();  // signs entry 2
  const std::string path = dir_.path() + "/checkpoints";
  const std::string signed_part = ReadText(path);
  WriteText(path, signed_part + "leaf 2 0123");
  Open();
  core::Result<CheckpointFile> file = ReadCheckpointFile(path);
  ASSERT_TRUE(file.ok());
  ASSERT_FALSE(file->defects.empty());
  EXPECT_GE(file->defect_at, file->signed_bytes);
  const VerifyReport before = Verify();
  EXPECT_TRUE(before.clean()) << before.problems.front().message;
  ASSERT_EQ(before.notices.size(), 1u);
  EXPECT_EQ(before.notices[0].kind, FindingKind::kCheckpointResidue);
  Issue();
  const core::Checkpoint next = Checkpoint();
  EXPECT_EQ(next.size, 3u);
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.clean()) << report.problems.front().message;
  EXPECT_TRUE(ReadCheckpointFile(path)->defects.empty());
}

TEST_F(EvidenceTest, TheSigningKeyIsTheOwnersAloneAndRefusedIfOthersMayReadIt) {
  Issue();
  const std::string key = dir_.path() + "/keys/checkpoint.pem";
  EXPECT_EQ(fs::status(key).permissions() & fs::perms::all, fs::perms::owner_read);
  EXPECT_EQ(fs::status(dir_.path() + "/keys").permissions() & fs::perms::all,
            fs::perms::owner_all);
  Close();
  fs::permissions(key, fs::perms::owner_read | fs::perms::group_read,
                  fs::perm_options::replace);
  auto opened = OpenTestArchive(dir_.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("chmod 0400"), std::string::npos);
}

TEST_F(EvidenceTest, Sm2KeysSignCheckpointsToo) {
  TempDir other;
  ArchiveOptions options;
  options.signing_algorithm = core::SignatureAlgorithm::kSm2;
  auto opened = OpenTestArchive(other.path(), options);
  ASSERT_TRUE(opened.ok());
  NewDocument doc = SampleDocument(0, "");
  doc.number = *(*opened)->AllocateNumber("朝阳区", 2026, doc.kind);
  ASSERT_TRUE((*opened)->Ingest(doc).ok());
  core::Result<core::Checkpoint> c = (*opened)->WriteCheckpoint();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->key_id.substr(0, 4), "sm2:");
  EXPECT_TRUE((*opened)->VerifyStorage()->clean());
}

}  // namespace
}  // namespace beian::archive
