// libpq, PostgreSQL's client library (Debian libpq-dev), seen from Swift.
#ifndef INCENTIVES_CLIBPQ_SHIM_H
#define INCENTIVES_CLIBPQ_SHIM_H

#include <libpq-fe.h>

// The diagnostic field codes are character macros; one function each is simpler to call from Swift.
static inline char *clibpq_sqlstate(const PGresult *r) { return PQresultErrorField(r, PG_DIAG_SQLSTATE); }
static inline char *clibpq_primary(const PGresult *r) { return PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY); }
static inline char *clibpq_context(const PGresult *r) { return PQresultErrorField(r, PG_DIAG_CONTEXT); }

#endif
