#include <sqlite3.h>

/// `sqlite3_config` is variadic, which Swift cannot call: one wrapper per option chiso sets.
/// Memory statistics (`SQLITE_CONFIG_MEMSTATUS`) take a global mutex on every SQLite allocation.
static inline int chiso_sqlite3_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}
