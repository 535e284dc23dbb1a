// Evidence benchmark: what the Merkle log and signed checkpoints cost. Prints figures,
// asserts nothing.
//
//   evidence_bench [--entries N] [--dir DIR]
//
// 1. Signing: Ed25519 and SM2 (with SM3), sign and verify of a checkpoint line, µs each.
// 2. Merkle leaves on the ingest path: an audit entry's leaf and the subtrees it completes,
//    written into merkle_nodes inside transactions of 16 entries (as a group commit does),
//    µs per entry.
// 3. Checkpoints: N ingests of small PDFs into a real archive, a checkpoint signed every 256
//    entries (leaf lines and the signed line appended and synced), µs per checkpoint and per
//    entry; then an inclusion proof and a consistency proof, made and checked.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "beian/archive/sqlite_archive.h"
#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "merkle_store.h"
#include "sqlite_db.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using beian::core::MerkleHash;

double Micros(Clock::time_point since) {
  return std::chrono::duration<double, std::micro>(Clock::now() - since).count();
}

template <typename T>
T OrDie(beian::core::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

void OrDie(const beian::core::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void Signing(beian::core::SignatureAlgorithm algorithm) {
  const auto key = OrDie(beian::core::SigningKey::Generate(algorithm), "key");
  const MerkleHash root = beian::core::MerkleLeafHash("bench");
  constexpr int kRounds = 2000;
  auto t0 = Clock::now();
  beian::core::Checkpoint c;
  for (int i = 0; i < kRounds; ++i) {
    c = OrDie(beian::core::SignCheckpoint(static_cast<uint64_t>(i) + 1, root, "2026-12-06T18:00:00+08:00", key),
              "sign");
  }
  const double sign_us = Micros(t0) / kRounds;
  t0 = Clock::now();
  for (int i = 0; i < kRounds; ++i) OrDie(beian::core::VerifyCheckpoint(c, key.public_key()), "verify");
  const double verify_us = Micros(t0) / kRounds;
  std::printf("%-44s %8.1f µs sign  %8.1f µs verify  (%zu-byte signature, %zu-char line)\n",
              algorithm == beian::core::SignatureAlgorithm::kSm2 ? "SM2 with SM3 (GB/T 32918)" : "Ed25519 (RFC 8032)",
              sign_us, verify_us, c.signature.size(), c.Line().size());
}

}  // namespace

int main(int argc, char** argv) {
  int entries = 20000;
  std::string dir = (fs::temp_directory_path() / "beian-evidence-bench").string();
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::max(256, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("beian evidence benchmark (%s)\n\n", dir.c_str());

  Signing(beian::core::SignatureAlgorithm::kEd25519);
  Signing(beian::core::SignatureAlgorithm::kSm2);

  // 2. Leaves and subtrees in a catalog table, 16 entries per transaction.
  {
    auto connection = OrDie(beian::archive::SqliteDatabase::Open(dir + "/merkle.sqlite3", false, 10000), "db");
    beian::archive::Database& db = *connection;
    OrDie(db.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE merkle_nodes (level "
                  "INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) "
                  "WITHOUT ROWID;"),
          "schema");
    beian::archive::AuditEntry e;
    e.at = "2026-12-06T18:00:00+08:00";
    e.actor = "token 3 (北京瑞祥恒业物业管理有限公司)";
    e.action = "ingest";
    e.subject = "京朝备〔2026〕000123号";
    e.detail = R"({"bytes":190870,"document_id":123,"number":"京朝备〔2026〕000123号","row_sha256":"a3b6dbb8222e6c8dd01b1a77f7ae369782fba52fb0e5cace8dd44f023006d89a","sha256":"b67deb6d7b3469994626a53902b603ad0d6cd88d27f1d478fe41ed2c905755b1","status":"issued"})";
    double leaf_us = 0, store_us = 0;
    for (int batch = 0; batch * 16 < entries; ++batch) {
      OrDie(db.Exec("BEGIN IMMEDIATE"), "begin");
      for (int i = 0; i < 16; ++i) {
        e.seq = batch * 16 + i + 1;
        auto t0 = Clock::now();
        const MerkleHash leaf = beian::archive::AuditLeafHash(e);
        leaf_us += Micros(t0);
        t0 = Clock::now();
        OrDie(beian::archive::AppendMerkleLeaf(db, static_cast<uint64_t>(e.seq - 1), leaf), "leaf");
        store_us += Micros(t0);
      }
      OrDie(db.Exec("COMMIT"), "commit");
    }
    const int n = (entries + 15) / 16 * 16;
    std::printf("%-44s %8.2f µs per entry (%.2f hashing the entry, %.2f writing leaf and subtrees; %d entries)\n",
                "Merkle leaf on the ingest path", (leaf_us + store_us) / n, leaf_us / n, store_us / n, n);
  }

  // 3. A real archive: entries by ingest, a checkpoint every 256.
  beian::archive::ArchiveOptions options;
  options.checkpoint_interval = std::chrono::milliseconds(0);
  options.checkpoint_every_entries = 1 << 30;  // signed here, by hand, to time each one
  auto archive = OrDie(beian::archive::SqliteArchive::Open(dir + "/archive", options), "archive");
  double ingest_us = 0, checkpoint_us = 0;
  int checkpoints = 0;
  std::vector<std::string> numbers;
  for (int i = 0; i < entries; ++i) {
    beian::archive::NewDocument d;
    d.kind = "commitment-letter";
    d.template_version = 1;
    d.data = beian::core::Json::MakeObject();
    d.district = "朝阳区";
    d.issued_at = "2026-12-06T18:00:00+08:00";
    d.created_by = "bench";
    d.pages = 1;
    d.number = OrDie(archive->AllocateNumber(d.district, 2026, d.kind), "number");
    d.pdf = "%PDF-1.4\n% " + std::to_string(i) + "\n%%EOF\n";
    auto t0 = Clock::now();
    numbers.push_back(OrDie(archive->Ingest(d), "ingest").number);
    ingest_us += Micros(t0);
    if ((i + 1) % 256 == 0) {
      t0 = Clock::now();
      OrDie(archive->WriteCheckpoint(), "checkpoint");
      checkpoint_us += Micros(t0);
      ++checkpoints;
    }
  }
  std::printf("%-44s %8.1f µs each (one thread, blob fsync + one transaction)\n", "ingest of a small PDF",
              ingest_us / entries);
  std::printf("%-44s %8.1f µs each, %.2f µs per entry (%d checkpoints of 256 entries: leaves appended, "
              "signed, synced)\n",
              "checkpoint (Ed25519)", checkpoint_us / checkpoints, checkpoint_us / checkpoints / 256, checkpoints);

  const auto line = OrDie(archive->WriteCheckpoint(), "checkpoint");
  auto t0 = Clock::now();
  constexpr int kProofs = 200;
  beian::archive::AuditProof proof;
  for (int i = 0; i < kProofs; ++i) {
    proof = OrDie(archive->ProveIngest(numbers[static_cast<size_t>(i * 7) % numbers.size()]), "prove");
  }
  const double prove_us = Micros(t0) / kProofs;
  t0 = Clock::now();
  for (int i = 0; i < kProofs; ++i) {
    OrDie(beian::core::VerifyMerkleInclusion(static_cast<uint64_t>(proof.entry.seq - 1), proof.checkpoint.size,
                                             beian::core::MerkleLeafHash(proof.leaf_data), proof.path,
                                             proof.checkpoint.root),
          "inclusion");
  }
  const double check_us = Micros(t0) / kProofs;
  std::printf("%-44s %8.1f µs to make, %.1f µs to check (%zu hashes, tree of %llu)\n", "inclusion proof of an ingest",
              prove_us, check_us, proof.path.size(), static_cast<unsigned long long>(line.size));

  // verify --since the first checkpoint: the whole log re-hashed, a consistency proof made and checked.
  beian::archive::KeptCheckpoint kept;
  kept.checkpoint = OrDie(beian::core::ParseCheckpoint(line.Line()), "parse");
  kept.checkpoint.size = 0;  // filled below from the file's first checkpoint
  {
    std::FILE* f = std::fopen((dir + "/archive/checkpoints").c_str(), "r");
    char buffer[1024];
    while (f != nullptr && std::fgets(buffer, sizeof buffer, f) != nullptr) {
      if (std::strncmp(buffer, "beian-checkpoint/1 ", 19) == 0) {
        kept.checkpoint = OrDie(beian::core::ParseCheckpoint(buffer), "parse");
        break;
      }
    }
    if (f != nullptr) std::fclose(f);
  }
  t0 = Clock::now();
  const auto report = OrDie(archive->VerifyStorage(nullptr, &kept), "verify");
  std::printf("%-44s %8.1f ms  (%lld entries; %s)\n", "verify --since the first checkpoint", Micros(t0) / 1000,
              static_cast<long long>(report.audit_rows), report.since_result.c_str());
  archive.reset();
  fs::remove_all(dir);
  return 0;
}
