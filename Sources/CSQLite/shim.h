// The system SQLite (Debian libsqlite3-dev), seen from Swift.
#ifndef INCENTIVES_CSQLITE_SHIM_H
#define INCENTIVES_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro over a cast that Swift cannot import: sqlite3 copies the bound bytes.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

#endif
