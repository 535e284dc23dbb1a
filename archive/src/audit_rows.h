// Reading audit_log rows, shared by the archive, its migrations and the checkpoint signer.
#ifndef BEIAN_ARCHIVE_SRC_AUDIT_ROWS_H_
#define BEIAN_ARCHIVE_SRC_AUDIT_ROWS_H_

#include "beian/archive/records.h"
#include "sql.h"

namespace beian::archive {

// The columns ReadAuditEntry reads, in its order.
inline constexpr char kAuditColumns[] =
    "seq, at, actor, action, subject, detail, prev_hash, hash";

// The row a statement selecting kAuditColumns stands on.
inline AuditEntry ReadAuditEntry(const Statement& s) {
  AuditEntry e;
  e.seq = s.Int(0);
  e.at = s.Text(1);
  e.actor = s.Text(2);
  e.action = s.Text(3);
  e.subject = s.Text(4);
  e.detail = s.Text(5);
  e.prev_hash = s.Text(6);
  e.hash = s.Text(7);
  return e;
}

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_AUDIT_ROWS_H_
