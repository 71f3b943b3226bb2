// The system SQLite (Debian libsqlite3-dev), seen from Swift.
#ifndef INCENTIVES_CSQLITE_SHIM_H
#define INCENTIVES_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro over a cast that Swift cannot import: sqlite3 copies the bound bytes.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex on every
// allocation; nothing here reads them. Only effective before SQLite initialises (the first open).
static inline int csqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

#endif
