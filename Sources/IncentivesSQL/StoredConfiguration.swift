import Foundation
import IncentivesCore
import IncentivesInput

/// Reading the catalog and roster back, shared by both stores' writers and readers (each reads the rows its own way).
package enum StoredConfiguration {
    /// The stored catalog text decoded as `init` validated it, with what later versions introduced: shared by
    /// both stores. `path`: the database as messages name it.
    package static func catalog(text: String, introduced: [String: (version: Int, day: LocalDate?)], path: String) throws -> Catalog {
        let decoded: Catalog
        do {
            decoded = try CatalogDecoder.decode(Data(text.utf8), file: "catalog stored in \(path)")
        } catch {
            // Text that is not a catalog at all is damage; a catalog that today's stricter rules refuse is not.
            if (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any] {
                throw StoreError.storedCatalogRefused(path: path, reason: "\(error)")
            }
            throw StoreError.corrupt(path: path, reason: "the stored catalog no longer decodes: \(error)")
        }
        // Rewards a later catalog version added or redefined count from its effective day, as a new generation.
        return decoded.introducing(introduced)
    }

    /// A roster row as a member, whichever store it comes from (the columns of `memberColumns`, as text).
    package static func member(id: String, employer: String?, timezone: String, eligibleFrom: String, eligibleUntil: String?,
                       partnerIDs json: String?, path: String) throws -> Member {
        guard let from = LocalDate(iso: eligibleFrom) else {
            throw StoreError.corrupt(path: path, reason: "user \(id): bad eligible_from")
        }
        var partnerIDs: [String: String] = [:]
        if let json, let decoded = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) {
            partnerIDs = decoded
        }
        return Member(id: id, employer: employer, timezone: timezone, eligibleFrom: from,
                      eligibleUntil: eligibleUntil.flatMap { LocalDate(iso: $0) }, partnerMemberIDs: partnerIDs)
    }

    package static let memberColumns = "id, employer, timezone, eligible_from, eligible_until, partner_ids"

    /// Today's local day in UTC: the default effective day of a catalog version.
    package static func today() -> LocalDate {
        Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))).localDate(offsetSeconds: 0)
    }

    /// A member's partner ids as the `partner_ids` column holds them (keys sorted).
    package static func encodePartnerIDs(_ ids: [String: String]) -> String {
        "{" + ids.sorted { $0.key < $1.key }.map { JSONText.quote($0.key) + ":" + JSONText.quote($0.value) }.joined(separator: ",") + "}"
    }
}
