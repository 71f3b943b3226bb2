import Foundation
import IncentivesCore
import IncentivesInput

/// The `catalog_versions` table: every catalog `init` applied that changed a reward, and for each the rewards it
/// introduced. The catalog in `settings` is always the latest version's.
package enum CatalogVersions {
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

    /// The `introduced` column decoded (either store's).
    package static func introduced(json: String?, path: String) throws -> [String: (version: Int, day: LocalDate?)] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [Any]] else { return [:] }
        var out: [String: (version: Int, day: LocalDate?)] = [:]
        for (key, pair) in object {
            guard pair.count == 2, let v = pair[0] as? Int else {
                throw StoreError.corrupt(path: path, reason: "catalog_versions.introduced: bad entry for \(key)")
            }
            if pair[1] is NSNull { out[key] = (v, nil); continue } // backfilled: counts over the whole history
            guard let text = pair[1] as? String, let day = LocalDate(iso: text) else {
                throw StoreError.corrupt(path: path, reason: "catalog_versions.introduced: bad entry for \(key)")
            }
            out[key] = (v, day)
        }
        return out
    }

    /// The `introduced` of a new version: rewards the previous catalog had with the same key keep their entry (or
    /// none, as of version 1); the others are introduced now, counting from `effective`.
    package static func introduced(by new: Catalog, after old: Catalog?, previous: [String: (version: Int, day: LocalDate?)],
                           version: Int, effective: LocalDate?) -> [String: (version: Int, day: LocalDate?)] {
        let oldKeys = Set(old?.rewardKeys().map(\.key) ?? [])
        var out: [String: (version: Int, day: LocalDate?)] = [:]
        for k in new.rewardKeys() {
            if oldKeys.contains(k.key) {
                if let p = previous[k.key] { out[k.key] = p }
            } else if old != nil {
                out[k.key] = (version, effective)
            }
        }
        return out
    }

    package static func encode(_ introduced: [String: (version: Int, day: LocalDate?)]) -> String {
        "{" + introduced.keys.sorted().map { k in
            JSONText.quote(k) + ":[" + String(introduced[k]!.version) + "," + (introduced[k]!.day.map { JSONText.quote($0.iso) } ?? "null") + "]"
        }.joined(separator: ",") + "}"
    }

    /// Adds a version, inside the caller's transaction.
    static func add(version: Int, effective: LocalDate, catalogText: String, file: String?, changes: [String],
                    introduced: [String: (version: Int, day: LocalDate?)], in db: Database) throws {
        try db.run("INSERT INTO catalog_versions(version, effective, catalog, file, loaded_at, changes, introduced) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   .int(Int64(version)), .text(version == 1 ? "0001-01-01" : effective.iso), .text(catalogText), .optional(file),
                   .double(Date().timeIntervalSince1970), .text(changes.joined(separator: "\n")), .text(encode(introduced)))
    }
}
