import Foundation
import IncentivesCore
import IncentivesSQL

/// The `catalog_versions` table read and written on SQLite (the rules of versions are the shared `CatalogVersions`).
extension CatalogVersions {
    static func all(_ db: Database) throws -> [CatalogVersion] {
        try db.rows("SELECT version, effective, file, loaded_at, changes, catalog FROM catalog_versions ORDER BY version") { CatalogVersion(row: $0) }
    }

    static func latest(_ db: Database) throws -> Int {
        try db.integer("SELECT coalesce(max(version), 0) FROM catalog_versions")
    }

    /// The rewards the latest version marks as introduced by a later version: key → (version, first day).
    static func introduced(_ db: Database) throws -> [String: (version: Int, day: LocalDate?)] {
        try introduced(json: try db.row("SELECT introduced FROM catalog_versions ORDER BY version DESC LIMIT 1", map: { $0.text(0) }),
                       path: db.path)
    }

    /// Adds a version, inside the caller's transaction.
    static func add(version: Int, effective: LocalDate, catalogText: String, file: String?, changes: [String],
                    introduced: [String: (version: Int, day: LocalDate?)], in db: Database) throws {
        try db.run("INSERT INTO catalog_versions(version, effective, catalog, file, loaded_at, changes, introduced) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   .int(Int64(version)), .text(version == 1 ? "0001-01-01" : effective.iso), .text(catalogText), .optional(file),
                   .double(Date().timeIntervalSince1970), .text(changes.joined(separator: "\n")), .text(encode(introduced)))
    }
}
