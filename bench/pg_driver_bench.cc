// PostgreSQL drivers on the ingest path: beian's libpq driver (archive/src/
// pg_db.h) beside Poco::Data::PostgreSQL 1.11, the statements an ingest runs,
// on the catalog's own tables.
//
//   pg_driver_bench URL [--documents N]
//
// URL names an empty database; its catalog is made with PostgresArchive (in a
// temporary folder). Per document, one transaction: the documents row
// (INSERT ... RETURNING id, 21 parameters), its audit entry and the audit
// head, as Ingest writes them; then the same 16 documents to a transaction
// (group commit). Poco::Data twice: statements made per call, as its
// `session << sql, use(...), now` idiom does, and prepared once and executed
// again. Prints documents/s per driver and mode.
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "beian/archive/postgres_archive.h"
#include "pg_db.h"
#include "sql.h"

namespace {

using Clock = std::chrono::steady_clock;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "pg_driver_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T OrDie(beian::core::Result<T> r) {
  if (!r.ok()) Die(r.status().ToString());
  return std::move(r).value();
}

void OrDie(const beian::core::Status& s) {
  if (!s.ok()) Die(s.ToString());
}

// One document's rows: what changes per document.
struct Row {
  std::string number, sha256, hash;
  int64_t serial = 0;
};

int64_t serials = 0;  // numbers given so far, both drivers

Row RowOf(const std::string& driver, int i) {
  Row r;
  r.serial = ++serials;
  r.number = driver + "-" + std::to_string(i);
  r.sha256 = std::string(64, 'a');
  r.hash = std::string(64, 'b');
  return r;
}

const std::string kData(4000, 'x');  // a document's canonical data, about its size

constexpr char kInsertDocument[] =
    "INSERT INTO documents (number, kind, template_version, data, credit_code, enterprise_name, project_name, "
    "district, issued_at, created_by, sha256, sm3, bytes, pages, status, number_year, number_serial, verify_url, "
    "pdf_standard, ofd_sha256, ofd_sm3, ofd_bytes) VALUES ($1, 'contract-filing', 3, $2, $3, $4, $5, $6, $7, "
    "'bench', $8, $9, 190000, 11, 'issued', 2026, $10, '', 'PDF/A-3u', '', '', 0) RETURNING id";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES ($1, $2, 'bench', "
    "'ingest', $3, $4, $5, $6)";
constexpr char kUpdateHead[] = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";

// beian's driver: numbered parameters as the archive writes them (?N).
std::string Numbered(std::string sql) {
  for (size_t at = sql.find('$'); at != std::string::npos; at = sql.find('$', at)) sql[at] = '?';
  return sql;
}

int64_t seq = 0;  // audit entries so far, both drivers

void IngestLibpq(beian::archive::Database& db, const Row& r) {
  beian::archive::Statement doc = OrDie(db.Prepare(Numbered(kInsertDocument)));
  doc.BindText(1, r.number).BindText(2, kData).BindText(3, "91110105798516320J").BindText(4, "北京瑞祥恒业物业管理有限公司")
      .BindText(5, "瑞祥家园").BindText(6, "朝阳区").BindText(7, "2026-12-07T10:00:00+08:00").BindText(8, r.sha256)
      .BindText(9, r.sha256).BindInt(10, r.serial);
  OrDie(doc.Step());
  const int64_t id = doc.Int(0);
  OrDie(doc.Run());
  ++seq;
  beian::archive::Statement audit = OrDie(db.Prepare(Numbered(kInsertAudit)));
  audit.BindInt(1, seq).BindText(2, "2026-12-07T10:00:00+08:00").BindText(3, r.number)
      .BindText(4, "{\"document_id\":" + std::to_string(id) + "}").BindText(5, r.hash).BindText(6, r.hash);
  OrDie(audit.Run());
  beian::archive::Statement head = OrDie(db.Prepare(Numbered(kUpdateHead)));
  head.BindInt(1, seq).BindText(2, r.hash);
  OrDie(head.Run());
}

void IngestPoco(Poco::Data::Session& session, const Row& r) {
  std::string number = r.number, data = kData, credit = "91110105798516320J", name = "北京瑞祥恒业物业管理有限公司",
              project = "瑞祥家园", district = "朝阳区", at = "2026-12-07T10:00:00+08:00", sha = r.sha256,
              sm3 = r.sha256, hash = r.hash;
  Poco::Int64 serial = r.serial, id = 0;
  session << kInsertDocument, use(number), use(data), use(credit), use(name), use(project), use(district), use(at),
      use(sha), use(sm3), use(serial), into(id), now;
  Poco::Int64 s = ++seq;
  std::string detail = "{\"document_id\":" + std::to_string(id) + "}";
  session << kInsertAudit, use(s), use(at), use(number), use(detail), use(hash), use(hash), now;
  session << kUpdateHead, use(s), use(hash), now;
}

// Poco::Data with its statements prepared once and executed again, bound to
// these variables by reference.
struct PocoKept {
  explicit PocoKept(Poco::Data::Session& session)
      : document((session << kInsertDocument, use(number), use(data), use(credit), use(name), use(project),
                  use(district), use(at), use(sha), use(sm3), use(serial), into(id))),
        audit((session << kInsertAudit, use(s), use(at), use(number), use(detail), use(hash), use(hash))),
        head((session << kUpdateHead, use(s), use(hash))) {}
  void Ingest(const Row& r) {
    number = r.number;
    sha = sm3 = r.sha256;
    hash = r.hash;
    serial = r.serial;
    document.execute();
    s = ++seq;
    detail = "{\"document_id\":" + std::to_string(id) + "}";
    audit.execute();
    head.execute();
  }
  std::string number, data = kData, credit = "91110105798516320J", name = "北京瑞祥恒业物业管理有限公司",
                      project = "瑞祥家园", district = "朝阳区", at = "2026-12-07T10:00:00+08:00", sha, sm3, hash,
                      detail;
  Poco::Int64 serial = 0, id = 0, s = 0;
  Poco::Data::Statement document, audit, head;
};

double Rate(int documents, const std::function<void(int)>& ingest) {
  const auto t0 = Clock::now();
  for (int i = 0; i < documents; ++i) ingest(i);
  return documents / std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int Run(int argc, char** argv);

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const Poco::Exception& e) {
    Die(e.displayText());
  }
}

int Run(int argc, char** argv) {
  if (argc < 2) Die("usage: pg_driver_bench URL [--documents N]");
  const std::string url = argv[1];
  int documents = 2000;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--documents") == 0) documents = std::max(16, std::atoi(argv[i + 1]));
  }
  const std::string dir = (std::filesystem::temp_directory_path() / "beian-pg-driver-bench").string();
  std::filesystem::remove_all(dir);
  { OrDie(beian::archive::PostgresArchive::Open(url, dir)); }  // the catalog's schema

  auto libpq = OrDie(beian::archive::PgDatabase::Open(url, /*read_only=*/false));
  Poco::Data::PostgreSQL::Connector::registerConnector();
  // Poco takes key=value pairs: postgresql://USER@HOST:PORT/DB as such.
  std::string rest = url.substr(url.find("://") + 3), user, host, port = "5432", db;
  if (const size_t at = rest.find('@'); at != std::string::npos) {
    user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  db = rest.substr(rest.find('/') + 1);
  rest = rest.substr(0, rest.find('/'));
  host = rest.substr(0, rest.find(':'));
  if (rest.find(':') != std::string::npos) port = rest.substr(rest.find(':') + 1);
  Poco::Data::Session poco("PostgreSQL", "host=" + host + " port=" + port + " user=" + user + " dbname=" + db);
  std::printf("PostgreSQL drivers on the ingest path (%d documents each: documents row, audit entry, head)\n",
              documents);
  const double libpq_one = Rate(documents, [&](int i) {
    OrDie(libpq->BeginWrite(beian::archive::Durability::kAtCommit));
    IngestLibpq(*libpq, RowOf("libpq-1", i));
    OrDie(libpq->Commit());
  });
  const double poco_one = Rate(documents, [&](int i) {
    poco.begin();
    IngestPoco(poco, RowOf("poco-1", i));
    poco.commit();
  });
  const double libpq_16 = Rate(documents, [&](int i) {
    if (i % 16 == 0) OrDie(libpq->BeginWrite(beian::archive::Durability::kAtCommit));
    IngestLibpq(*libpq, RowOf("libpq-16", i));
    if (i % 16 == 15 || i + 1 == documents) OrDie(libpq->Commit());
  });
  const double poco_16 = Rate(documents, [&](int i) {
    if (i % 16 == 0) poco.begin();
    IngestPoco(poco, RowOf("poco-16", i));
    if (i % 16 == 15 || i + 1 == documents) poco.commit();
  });
  PocoKept kept(poco);
  const double kept_one = Rate(documents, [&](int i) {
    poco.begin();
    kept.Ingest(RowOf("kept-1", i));
    poco.commit();
  });
  const double kept_16 = Rate(documents, [&](int i) {
    if (i % 16 == 0) poco.begin();
    kept.Ingest(RowOf("kept-16", i));
    if (i % 16 == 15 || i + 1 == documents) poco.commit();
  });
  std::printf("  %-26s %10s %14s %22s\n", "documents/s", "libpq", "Poco::Data", "Poco::Data, kept");
  std::printf("  %-26s %10.0f %14.0f %22.0f\n", "one a commit", libpq_one, poco_one, kept_one);
  std::printf("  %-26s %10.0f %14.0f %22.0f\n", "16 a commit", libpq_16, poco_16, kept_16);
  std::filesystem::remove_all(dir);
  return 0;
}
