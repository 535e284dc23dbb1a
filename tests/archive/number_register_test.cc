// Every serial accounted for: allocations recorded, unused numbers voided
// (作废号) with their audit entries, void numbers refused, and verify naming
// each serial that is neither a document, nor void, nor an allocation.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

class NumberRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ArchiveOptions options;
    options.now = [this] { return now_; };
    auto opened = OpenTestArchive(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    catalog_ = archive_->catalog();
  }

  std::string Allocate(const std::string& district = "朝阳区") {
    auto number = archive_->AllocateNumber(district, 2026, "contract-filing");
    EXPECT_TRUE(number.ok()) << number.status().ToString();
    return number.ok() ? *number : "";
  }

  core::Result<Document> IngestAs(const std::string& number, int i) {
    NewDocument doc = SampleDocument(i, number);
    return archive_->Ingest(doc);
  }

  VerifyReport Verify() {
    auto report = archive_->VerifyStorage();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  static std::vector<FindingKind> Kinds(const std::vector<Finding>& findings) {
    std::vector<FindingKind> kinds;
    for (const Finding& f : findings) kinds.push_back(f.kind);
    return kinds;
  }

  TempDir dir_;
  std::string now_ = "2026-03-01T09:00:00+08:00";
  std::unique_ptr<CatalogArchive> archive_;
  std::string catalog_;
};

TEST_F(NumberRegisterTest, EachAllocationIsRecorded) {
  const std::string first = Allocate();
  now_ = "2026-03-01T09:00:05+08:00";
  const std::string second = Allocate();
  EXPECT_EQ(first, "京朝备〔2026〕000001号");
  EXPECT_EQ(QueryColumn(catalog_,
                        "SELECT district || ' ' || year || ' ' || serial || "
                        "' ' || number || ' ' || allocated_at FROM "
                        "number_allocations ORDER BY id"),
            (std::vector<std::string>{
                "朝阳区 2026 1 " + first + " 2026-03-01T09:00:00+08:00",
                "朝阳区 2026 2 " + second + " 2026-03-01T09:00:05+08:00"}));
}

TEST_F(NumberRegisterTest, AllocatedNumbersInFlightAreNoticesNotProblems) {
  const std::string filed = Allocate();
  const std::string pending = Allocate();
  ASSERT_TRUE(IngestAs(filed, 1).ok());
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.clean());
  ASSERT_EQ(report.notices.size(), 1u);
  EXPECT_EQ(report.notices[0].kind, FindingKind::kSerialInFlight);
  EXPECT_EQ(report.notices[0].number, pending);
  EXPECT_NE(report.notices[0].message.find("allocated, not yet filed or void"),
            std::string::npos);
}

TEST_F(NumberRegisterTest, VoidsWhatWasAllocatedBeforeAndNeverFiled) {
  const std::string a = Allocate();  // filed
  const std::string b = Allocate();  // never filed: voided
  const std::string c = Allocate("海淀区");  // never filed: voided
  now_ = "2026-03-02T09:00:00+08:00";
  const std::string d = Allocate();  // allocated after the cut: kept
  ASSERT_TRUE(IngestAs(a, 1).ok());
  now_ = "2026-03-03T02:00:00+08:00";
  auto voided =
      archive_->VoidUnusedNumbers("nightly", "2026-03-02T00:00:00+08:00");
  ASSERT_TRUE(voided.ok()) << voided.status().ToString();
  EXPECT_EQ(*voided, (std::vector<std::string>{b, c}));
  // Each void has its audit entry with the facts of the allocation.
  const std::vector<std::string> entries = QueryColumn(
      catalog_,
      "SELECT actor || '|' || subject || '|' || detail FROM audit_log WHERE "
      "action = 'void-number' ORDER BY seq");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0],
            "nightly|" + b +
                "|{\"allocated_at\":\"2026-03-01T09:00:00+08:00\","
                "\"district\":\"朝阳区\",\"number\":\"" +
                b +
                "\",\"reason\":\"allocated but never filed\",\"serial\":2,"
                "\"year\":2026}");
  // Idempotent: nothing left to void.
  EXPECT_TRUE(archive_
                  ->VoidUnusedNumbers("nightly", "2026-03-02T00:00:00+08:00")
                  ->empty());
  // A void number cannot be filed afterwards.
  const core::Status refused = IngestAs(b, 2).status();
  EXPECT_EQ(refused.code(), core::Code::kFailedPrecondition);
  EXPECT_NE(refused.message().find("void"), std::string::npos);
  // The register verifies: one document, two voids, one in flight.
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.clean());
  ASSERT_EQ(report.notices.size(), 1u);
  EXPECT_EQ(report.notices[0].number, d);
  // Later numbers continue after the void ones.
  EXPECT_EQ(Allocate(), "京朝备〔2026〕000004号");
}

TEST_F(NumberRegisterTest, BadArgumentsAreRefused) {
  EXPECT_EQ(
      archive_->VoidUnusedNumbers("", "2026-03-02T00:00:00+08:00")
          .status()
          .code(),
      core::Code::kInvalidArgument);
  EXPECT_EQ(archive_->VoidUnusedNumbers("nightly", "2026-03-02").status().code(),
            core::Code::kInvalidArgument);
}

TEST_F(NumberRegisterTest, ACounterEditedUpwardNamesEachMissingSerial) {
  ASSERT_TRUE(IngestAs(Allocate(), 1).ok());
  ASSERT_TRUE(IngestAs(Allocate(), 2).ok());
  ASSERT_TRUE(Verify().clean());
  ASSERT_EQ(ExecSql(catalog_,
                    "UPDATE number_counters SET next_serial = 6 WHERE "
                    "district = '朝阳区' AND year = 2026"),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(Kinds(report.problems),
            std::vector<FindingKind>(3, FindingKind::kSerialUnaccounted));
  for (int serial = 3; serial <= 5; ++serial) {
    EXPECT_NE(report.problems[serial - 3].message.find(
                  "serial " + std::to_string(serial) + " of 朝阳区 2026"),
              std::string::npos)
        << report.problems[serial - 3].message;
  }
  // A counter raised by a million costs one finding, not a million.
  ASSERT_EQ(ExecSql(catalog_, "UPDATE number_counters SET next_serial = "
                              "1000003"),
            "");
  const VerifyReport big = Verify();
  ASSERT_EQ(big.problems.size(), 1u);
  EXPECT_NE(big.problems[0].message.find("serials 3 to 1000002"),
            std::string::npos)
      << big.problems[0].message;
}

TEST_F(NumberRegisterTest, ADeletedAllocationIsNamed) {
  Allocate();
  ASSERT_TRUE(IngestAs(Allocate(), 1).ok());
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM number_allocations WHERE serial = 1"),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kSerialUnaccounted);
  EXPECT_NE(report.problems[0].message.find("serial 1 of 朝阳区 2026"),
            std::string::npos);
}

TEST_F(NumberRegisterTest, ACounterEditedDownwardIsNamed) {
  const std::string a = Allocate();
  const std::string b = Allocate();
  ASSERT_TRUE(IngestAs(b, 1).ok());
  ASSERT_EQ(ExecSql(catalog_, "UPDATE number_counters SET next_serial = 2"),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kCounterBehind);
  EXPECT_EQ(report.problems[0].number, b);
  // Allocation skips serials in use even then.
  EXPECT_EQ(Allocate(), "京朝备〔2026〕000003号");
  (void)a;
}

TEST_F(NumberRegisterTest, TamperedVoidEntriesAreNamed) {
  Allocate();
  const std::string b = Allocate();
  now_ = "2026-03-02T09:00:00+08:00";
  ASSERT_EQ(archive_->VoidUnusedNumbers("nightly", now_)->size(), 2u);
  ASSERT_TRUE(Verify().clean());

  // The reason of a void edited.
  ASSERT_EQ(ExecSql(catalog_, "CREATE TABLE saved AS SELECT * FROM "
                              "number_voids"),
            "");
  ASSERT_EQ(ExecSql(catalog_, "UPDATE number_voids SET reason = 'x' WHERE "
                              "serial = 2"),
            "");
  VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kRowEdited);
  EXPECT_EQ(report.problems[0].number, b);

  // A void row deleted: the entry names it, and its serial is an allocation
  // again (in flight), not unaccounted.
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM number_voids WHERE serial = 2"),
            "");
  report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kRowMissing);
  EXPECT_EQ(report.problems[0].number, b);

  // A void row added behind the archive's back.
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM number_voids; INSERT INTO "
                              "number_voids SELECT * FROM saved; INSERT INTO "
                              "number_voids SELECT district, year, 9, "
                              "number, allocated_at, reason FROM saved "
                              "WHERE serial = 1"),
            "");
  report = Verify();
  EXPECT_EQ(Kinds(report.problems),
            (std::vector<FindingKind>{FindingKind::kRowNotAudited,
                                      FindingKind::kCounterBehind}));

  // The audit entry of a void edited: the chain breaks at that row.
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM number_voids WHERE serial = 9; "
                              "UPDATE audit_log SET detail = replace(detail, "
                              "'\"serial\":2', '\"serial\":3') WHERE action = "
                              "'void-number' AND subject = '" + b + "'"),
            "");
  report = Verify();
  EXPECT_EQ(report.problems[0].kind, FindingKind::kAuditRowEdited);
}

TEST_F(NumberRegisterTest, AVoidSerialThatIsAlsoADocumentIsNamed) {
  const std::string a = Allocate();
  now_ = "2026-03-02T09:00:00+08:00";
  ASSERT_EQ(archive_->VoidUnusedNumbers("nightly", now_)->size(), 1u);
  // Filed behind the archive's back after the void: delete the void, ingest,
  // put the void back.
  ASSERT_EQ(ExecSql(catalog_, "CREATE TABLE saved AS SELECT * FROM "
                              "number_voids; DELETE FROM number_voids"),
            "");
  ASSERT_TRUE(IngestAs(a, 1).ok());
  ASSERT_EQ(ExecSql(catalog_, "INSERT INTO number_voids SELECT * FROM saved"),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kVoidFiled);
  EXPECT_EQ(report.problems[0].number, a);
}

}  // namespace
}  // namespace beian::archive
