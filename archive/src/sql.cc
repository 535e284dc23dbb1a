#include "sql.h"

#include <string>

namespace beian::archive {

core::Status Statement::Run() {
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return core::Status::Ok();
  }
}

core::Result<int64_t> Database::QueryInt(const char* sql) {
  BEIAN_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  BEIAN_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal(std::string("no row from ") + sql);
  return stmt.Int(0);
}

core::Status Transaction::BeginWrite(Durability durability) {
  BEIAN_RETURN_IF_ERROR(db_.BeginWrite(durability));
  open_ = true;
  return core::Status::Ok();
}

core::Status Transaction::BeginRead() {
  BEIAN_RETURN_IF_ERROR(db_.BeginRead());
  open_ = true;
  return core::Status::Ok();
}

core::Status Transaction::Commit() {
  BEIAN_RETURN_IF_ERROR(db_.Commit());
  open_ = false;
  return core::Status::Ok();
}

}  // namespace beian::archive
