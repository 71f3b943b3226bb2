import CSQLite
import IncentivesSQL

extension StoreError {
    /// Maps a SQLite result code to the case a person can act on.
    static func from(code: Int32, message: String, path: String) -> StoreError {
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED: return .locked(path: path)
        case SQLITE_READONLY: return .readOnly(path: path)
        case SQLITE_FULL: return .full(path: path)
        case SQLITE_NOTADB: return .notADatabase(path: path, reason: message)
        case SQLITE_CORRUPT: return .corrupt(path: path, reason: message)
        case SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: message)
        case SQLITE_PERM, SQLITE_AUTH: return .readOnly(path: path)
        default: return .sqlite(path: path, code: code, message: message)
        }
    }
}
