import Foundation
import IncentivesCore
import IncentivesInput

/// The `catalog_versions` table: every catalog `init` applied that changed a reward, and for each the rewards it
/// introduced. The catalog in `settings` is always the latest version's.
package enum CatalogVersions {
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

}
