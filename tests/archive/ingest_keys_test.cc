// What an ingest carries beside the document: its idempotency key, its
// keyed staff index (one person, one enterprise) and the backfill mark.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

constexpr char kChaoyang[] = "91110105MA01ABCD3X";
constexpr char kHaidian[] = "91110108MA02ABCD4Y";

// A staff key for person `n` at "/staff/<index>".
StaffKey Person(int n, int index) {
  return {core::Sha256Hex("person " + std::to_string(n)),
          "/staff/" + std::to_string(index)};
}

class IngestKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ArchiveOptions options;
    options.now = [] { return std::string("2026-12-07T10:00:00+08:00"); };
    auto opened = OpenTestArchive(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
  }

  // Sample `i` of enterprise `credit_code` in `district` under a new number.
  NewDocument Sample(int i, const std::string& credit_code,
                     const std::string& district = "朝阳区") {
    NewDocument doc = SampleDocument(i, "", district);
    doc.credit_code = credit_code;
    doc.number = *archive_->AllocateNumber(district, 2026, doc.kind);
    return doc;
  }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
};

TEST_F(IngestKeysTest, AKeyUsedTwiceByOneTokenStoresNothingTheSecondTime) {
  NewDocument doc = Sample(1, kChaoyang);
  doc.idempotency = IdempotencyKey{7, "req-2026-12-07-0001",
                                   core::Sha256Hex("request body")};
  auto first = archive_->Ingest(doc);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto found = archive_->FindIdempotencyKey(7, "req-2026-12-07-0001");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->document_id, first->id);
  EXPECT_EQ(found->request_sha256, core::Sha256Hex("request body"));
  EXPECT_EQ(found->created_at, "2026-12-07T10:00:00+08:00");

  // The retry rendered again under a new number: refused, nothing stored.
  NewDocument retry = Sample(2, kChaoyang);
  retry.idempotency = doc.idempotency;
  const core::Status refused = archive_->Ingest(retry).status();
  EXPECT_EQ(refused.code(), core::Code::kAlreadyExists);
  EXPECT_EQ(archive_->FindByNumber(retry.number).status().code(),
            core::Code::kNotFound);
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT count(*) FROM audit_log")[0],
            "1");
  // Its number is simply unused, then voided.
  auto report = archive_->VerifyStorage();
  EXPECT_TRUE(report->clean());
  ASSERT_EQ(report->notices.size(), 1u);
  EXPECT_EQ(report->notices[0].number, retry.number);
  EXPECT_EQ(*archive_->VoidUnusedNumbers("nightly",
                                         "2026-12-08T00:00:00+08:00"),
            std::vector<std::string>{retry.number});

  // The same key of another token is another key.
  NewDocument other = Sample(3, kChaoyang);
  other.idempotency = IdempotencyKey{8, "req-2026-12-07-0001",
                                     core::Sha256Hex("other body")};
  EXPECT_TRUE(archive_->Ingest(other).ok());
  EXPECT_EQ(archive_->FindIdempotencyKey(9, "req-2026-12-07-0001")
                .status()
                .code(),
            core::Code::kNotFound);
}

TEST_F(IngestKeysTest, ConcurrentRetriesCreateOneDocument) {
  // Eight threads send the same request at once (grouped commits): exactly
  // one document, the others kAlreadyExists.
  std::vector<NewDocument> docs;
  for (int i = 0; i < 8; ++i) {
    docs.push_back(Sample(i, kChaoyang));
    docs.back().idempotency =
        IdempotencyKey{3, "same-key", core::Sha256Hex("body")};
  }
  std::atomic<int> created{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const core::Status s = archive_->Ingest(docs[i]).status();
      if (s.ok()) ++created;
      if (s.code() == core::Code::kAlreadyExists) ++exists;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(exists.load(), 7);
  EXPECT_TRUE(archive_->VerifyStorage()->clean());
}

TEST_F(IngestKeysTest, MalformedKeysAreRefused) {
  for (const IdempotencyKey& bad :
       {IdempotencyKey{0, "k", std::string(64, 'a')},
        IdempotencyKey{1, "", std::string(64, 'a')},
        IdempotencyKey{1, std::string(201, 'k'), std::string(64, 'a')},
        IdempotencyKey{1, "tab\there", std::string(64, 'a')},
        IdempotencyKey{1, "键", std::string(64, 'a')},
        IdempotencyKey{1, "k", std::string(64, 'A')}}) {
    NewDocument doc = Sample(1, kChaoyang);
    doc.idempotency = bad;
    EXPECT_EQ(archive_->Ingest(doc).status().code(),
              core::Code::kInvalidArgument)
        << bad.key;
  }
  NewDocument ok = Sample(1, kChaoyang);
  ok.idempotency = IdempotencyKey{1, std::string(200, '~') + "", "" };
  ok.idempotency->request_sha256 = std::string(64, 'a');
  EXPECT_TRUE(archive_->Ingest(ok).ok());
}

TEST_F(IngestKeysTest, BackfillIsRecordedInTheIngestEntry) {
  NewDocument doc = Sample(1, kChaoyang);
  doc.issued_at = "2009-05-04T10:00:00+08:00";
  doc.backfilled = true;
  ASSERT_TRUE(archive_->Ingest(doc).ok());
  NewDocument plain = Sample(2, kChaoyang);
  ASSERT_TRUE(archive_->Ingest(plain).ok());
  const std::vector<std::string> details = QueryColumn(
      archive_->catalog(), "SELECT detail FROM audit_log ORDER BY seq");
  ASSERT_EQ(details.size(), 2u);
  EXPECT_TRUE(core::ParseJson(details[0])->Find("backfill")->as_bool());
  EXPECT_EQ(core::ParseJson(details[1])->Find("backfill"), nullptr);
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT at FROM audit_log WHERE seq = 1")[0],
            "2026-12-07T10:00:00+08:00");  // the real time of the ingest
  EXPECT_TRUE(archive_->VerifyStorage()->clean());
}

TEST_F(IngestKeysTest, APersonInAnotherEnterprisesCurrentStaffIsRefused) {
  NewDocument first = Sample(1, kChaoyang);
  first.staff_keys = {Person(1, 0), Person(2, 1)};
  ASSERT_TRUE(archive_->Ingest(first).ok());
  // The same enterprise again: no conflict.
  NewDocument again = Sample(2, kChaoyang);
  again.staff_keys = {Person(2, 0)};
  ASSERT_TRUE(archive_->Ingest(again).ok());
  // Another enterprise naming person 2 at its /staff/3.
  NewDocument other = Sample(3, kHaidian, "海淀区");
  other.staff_keys = {Person(5, 0), Person(6, 1), Person(7, 2), Person(2, 3)};
  const core::Status refused = archive_->Ingest(other).status();
  EXPECT_EQ(refused.code(), core::Code::kAlreadyExists);
  EXPECT_EQ(refused.message(), "staff conflict at /staff/3");
  EXPECT_EQ(refused.message().find(kChaoyang), std::string::npos);
  EXPECT_EQ(archive_->FindByNumber(other.number).status().code(),
            core::Code::kNotFound);

  auto conflicts = archive_->FindStaffConflicts(other.staff_keys, kHaidian);
  ASSERT_TRUE(conflicts.ok());
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ((*conflicts)[0].path, "/staff/3");
  EXPECT_TRUE(
      archive_->FindStaffConflicts(other.staff_keys, kChaoyang)->empty());

  // Revoking frees the keys: both of kChaoyang's documents naming person 2.
  ASSERT_TRUE(testing::Revoke(*archive_, archive_->FindByNumber(first.number)->id,
                              "chief", "人员变更")
                  .ok());
  EXPECT_EQ(archive_->Ingest(other).status().code(),
            core::Code::kAlreadyExists);  // `again` still names person 2
  ASSERT_TRUE(testing::Revoke(*archive_, archive_->FindByNumber(again.number)->id,
                              "chief", "人员变更")
                  .ok());
  EXPECT_TRUE(archive_->Ingest(other).ok());
  EXPECT_TRUE(archive_->VerifyStorage()->clean());
}

// A caller that computed the keys and found none (a letter without persons)
// says so; the document is then not left for SetStaffKeys.
TEST_F(IngestKeysTest, ComputedButNoneIsIndexed) {
  NewDocument letter = Sample(1, kChaoyang);
  letter.staff_indexed = true;
  const Document d = *archive_->Ingest(letter);
  NewDocument imported = Sample(2, kChaoyang);
  const Document i = *archive_->Ingest(imported);
  EXPECT_EQ(*archive_->DocumentsWithoutStaffKeys(), std::vector<int64_t>{i.id});
  EXPECT_NE(d.id, i.id);
}

// An ingest checked at a staff index version that has moved since is checked
// again: another enterprise filed the person in between.
TEST_F(IngestKeysTest, AStaleStaffCheckIsDoneAgain) {
  NewDocument haidian = Sample(1, kHaidian, "海淀区");
  haidian.staff_keys = {Person(1, 0)};
  int64_t seen = -1;
  ASSERT_TRUE(archive_->FindStaffConflicts(haidian.staff_keys, kHaidian, &seen)->empty());
  NewDocument chaoyang = Sample(2, kChaoyang);
  chaoyang.staff_keys = {Person(1, 3)};
  ASSERT_TRUE(archive_->Ingest(chaoyang).ok());
  haidian.staff_presence_version = seen;
  EXPECT_EQ(archive_->Ingest(haidian).status().code(), core::Code::kAlreadyExists);
  // A check at the current version (nobody added since) is trusted.
  NewDocument again = Sample(3, kChaoyang);
  again.staff_keys = {Person(1, 0)};
  int64_t now = -1;
  ASSERT_TRUE(archive_->FindStaffConflicts(again.staff_keys, kChaoyang, &now)->empty());
  EXPECT_GT(now, seen);
  again.staff_presence_version = now;
  EXPECT_TRUE(archive_->Ingest(again).ok());
}

TEST_F(IngestKeysTest, TwoEnterprisesRacingForOnePersonGetOneDocument) {
  std::vector<NewDocument> docs;
  for (int i = 0; i < 6; ++i) {
    docs.push_back(Sample(i, i % 2 == 0 ? kChaoyang : kHaidian));
    docs.back().credit_code = "9111010" + std::to_string(i) + "MA01ABCD3X";
    docs.back().staff_keys = {Person(42, 0)};
  }
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      const core::Status s = archive_->Ingest(docs[i]).status();
      if (s.ok()) ++created;
      if (s.code() == core::Code::kAlreadyExists) ++conflicts;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 5);
}

TEST_F(IngestKeysTest, ListsConflictsInABureausScope) {
  // Person 1: kChaoyang (朝阳区) and kHaidian (海淀区). Person 2: two
  // documents of kChaoyang only. Person 3: kHaidian and a third enterprise in
  // 海淀区, entered behind the ingest check with SetStaffKeys.
  NewDocument a = Sample(1, kChaoyang);
  a.staff_keys = {Person(1, 0), Person(2, 1)};
  NewDocument b = Sample(2, kChaoyang);
  b.staff_keys = {Person(2, 0)};
  NewDocument c = Sample(3, kHaidian, "海淀区");
  c.staff_keys = {Person(3, 0)};
  NewDocument d = Sample(4, "91110108MA03ABCD5Z", "海淀区");
  const Document da = *archive_->Ingest(a);
  const Document db = *archive_->Ingest(b);
  const Document dc = *archive_->Ingest(c);
  const Document dd = *archive_->Ingest(d);
  ASSERT_TRUE(archive_->SetStaffKeys(dc.id, {Person(3, 0), Person(1, 1)}).ok());
  ASSERT_TRUE(archive_->SetStaffKeys(dd.id, {Person(3, 4)}).ok());

  auto all = archive_->ListStaffConflicts("");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> hmacs = {Person(1, 0).hmac, Person(3, 0).hmac};
  std::sort(hmacs.begin(), hmacs.end());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].hmac, hmacs[0]);
  EXPECT_EQ((*all)[1].hmac, hmacs[1]);
  for (const StaffConflict& conflict : *all) {
    ASSERT_EQ(conflict.documents.size(), 2u);
    for (const Document& doc : conflict.documents) EXPECT_EQ(doc.data, "");
    if (conflict.hmac == Person(1, 0).hmac) {
      EXPECT_EQ(conflict.documents[0].id, da.id);
      EXPECT_EQ(conflict.documents[1].id, dc.id);
    } else {
      EXPECT_EQ(conflict.documents[0].id, dc.id);
      EXPECT_EQ(conflict.documents[1].id, dd.id);
    }
  }
  // 朝阳区 sees only person 1's conflict; 东城区 none.
  auto chaoyang = archive_->ListStaffConflicts("朝阳区");
  ASSERT_EQ(chaoyang->size(), 1u);
  EXPECT_EQ((*chaoyang)[0].hmac, Person(1, 0).hmac);
  EXPECT_TRUE(archive_->ListStaffConflicts("东城区")->empty());
  EXPECT_EQ(archive_->ListStaffConflicts("月球区").status().code(),
            core::Code::kInvalidArgument);
  // Revoked documents drop out.
  ASSERT_TRUE(testing::Revoke(*archive_, dd.id, "chief", "注销").ok());
  EXPECT_EQ(archive_->ListStaffConflicts("海淀区")->size(), 1u);
  (void)db;
}

TEST_F(IngestKeysTest, DocumentsWithoutKeysUntilSetStaffKeys) {
  NewDocument with = Sample(1, kChaoyang);
  with.staff_keys = {Person(1, 0)};
  NewDocument without = Sample(2, kChaoyang);
  const Document dw = *archive_->Ingest(with);
  const Document dn = *archive_->Ingest(without);
  EXPECT_EQ(*archive_->DocumentsWithoutStaffKeys(), std::vector<int64_t>{dn.id});
  // None computed for it: recorded as indexed with no keys.
  ASSERT_TRUE(archive_->SetStaffKeys(dn.id, {}).ok());
  EXPECT_TRUE(archive_->DocumentsWithoutStaffKeys()->empty());
  // SetStaffKeys replaces.
  ASSERT_TRUE(archive_->SetStaffKeys(dw.id, {Person(9, 2)}).ok());
  const std::vector<std::string> keys =
      QueryColumn(archive_->catalog(), "SELECT keys FROM document_staff WHERE document_id = " + std::to_string(dw.id));
  ASSERT_EQ(keys.size(), 1u);
  const core::Json pairs = *core::ParseJson(keys[0]);
  ASSERT_EQ(pairs.as_array().size(), 1u);
  EXPECT_EQ(pairs.as_array()[0].as_array()[1].as_string(), "/staff/2");
  EXPECT_EQ(archive_->SetStaffKeys(999, {}).code(), core::Code::kNotFound);
  EXPECT_EQ(archive_->SetStaffKeys(dw.id, {Person(1, 0), Person(2, 0)}).code(),
            core::Code::kInvalidArgument);  // one path twice
  EXPECT_EQ(archive_->SetStaffKeys(dw.id, {{"ABC", "/staff/0"}}).code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(archive_->SetStaffKeys(dw.id, {{Person(1, 0).hmac, "staff/0"}})
                .code(),
            core::Code::kInvalidArgument);
  // Not audited: derived data.
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT count(*) FROM audit_log")[0],
            "2");
  EXPECT_TRUE(archive_->VerifyStorage()->clean());
}

}  // namespace
}  // namespace beian::archive
