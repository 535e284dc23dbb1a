// libpq, loaded when the first PostgreSQL catalog is opened rather than linked in: linked, it
// and the libraries it needs (Kerberos, LDAP, SASL, GnuTLS, ...) cost every beian process ~10 ms
// before main, whether or not it ever speaks to PostgreSQL, and most never do (`beian kinds`,
// `beian render`, a server on SQLite). The functions keep libpq's names and types.
#ifndef BEIAN_ARCHIVE_LIBPQ_LOADER_H_
#define BEIAN_ARCHIVE_LIBPQ_LOADER_H_

#include <libpq-fe.h>

#include "beian/core/status.h"

namespace beian::archive {

// Every libpq function beian calls.
#define BEIAN_LIBPQ_FUNCTIONS(X) \
  X(PQcancel) \
  X(PQclear) \
  X(PQcmdStatus) \
  X(PQcmdTuples) \
  X(PQconnectdbParams) \
  X(PQerrorMessage) \
  X(PQexec) \
  X(PQexecPrepared) \
  X(PQfinish) \
  X(PQfreeCancel) \
  X(PQgetCancel) \
  X(PQgetResult) \
  X(PQgetisnull) \
  X(PQgetlength) \
  X(PQgetvalue) \
  X(PQntuples) \
  X(PQprepare) \
  X(PQreset) \
  X(PQresultErrorField) \
  X(PQresultErrorMessage) \
  X(PQresultStatus) \
  X(PQsendQueryPrepared) \
  X(PQsetNoticeProcessor) \
  X(PQsetSingleRowMode) \
  X(PQstatus)

struct Libpq {
#define BEIAN_LIBPQ_POINTER(name) decltype(&::name) name = nullptr;
  BEIAN_LIBPQ_FUNCTIONS(BEIAN_LIBPQ_POINTER)
#undef BEIAN_LIBPQ_POINTER
};

// Loads libpq.so.5 (once) and resolves every function above; a clear error when the library
// (Debian's libpq5) is missing.
core::Status LoadLibpq();

// The functions, after LoadLibpq succeeded.
const Libpq& Pq();

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_LIBPQ_LOADER_H_
