import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput

/// The outbox a delivery command works on, and the catalog that names the partners.
/// File mode (`--catalog --roster --achievements`): the achievements printed by `incentives replay`,
/// all pending, in memory. Nothing is remembered between runs, so a second run sends everything again
/// with the same delivery ids (partners de-duplicate); use the database for real operation.
struct Outbox {
    let catalog: Catalog
    let queue: any DeliveryQueue
    /// False in file mode: retrying by hand needs state that outlives the run.
    let isPersistent: Bool

    static let fileOptions: Set<String> = ["catalog", "roster", "achievements"]

    static func open(_ args: Arguments) throws -> Outbox {
        let catalogPath = try args.required("catalog")
        let rosterPath = try args.required("roster")
        let achievementsPath = try args.required("achievements")
        for path in [catalogPath, rosterPath, achievementsPath] where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandFailure(.noInput, "\(path): \(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")")
        }
        let catalog = try Setup.catalog(catalogPath)
        let roster = try Setup.roster(rosterPath, catalog: catalog, zones: ZoneDirectory())
        let achievements: [Achievement]
        do {
            achievements = try AchievementLog.load(path: achievementsPath)
        } catch let e as ConfigurationError {
            throw CommandFailure(.dataError, "achievements refused: \(e)")
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        }
        let queue = InMemoryDeliveryQueue()
        let now = Date().timeIntervalSince1970
        for a in achievements {
            queue.enqueue(DeliverableAchievement(a, member: roster.member(a.user)), partners: catalog.partners(for: a), at: now)
        }
        return Outbox(catalog: catalog, queue: queue, isPersistent: false)
    }

    /// The partners a command is about: one named with `--partner`, or all of them that match `keep`.
    static func partners(_ catalog: Catalog, named: String?, keep: (Partner) -> Bool) throws -> [Partner] {
        if let named {
            guard let p = catalog.partner(named) else {
                let known = catalog.partners.map(\.id).joined(separator: ", ")
                throw CommandFailure(.usage, "unknown partner \(JSONText.quote(named)) (the catalog has: \(known.isEmpty ? "none" : known))")
            }
            return [p]
        }
        return catalog.partners.filter(keep)
    }

    static func secrets(_ partners: [Partner]) throws -> [String: PartnerSecret] {
        do {
            return try PartnerSecret.resolve(partners, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandFailure(.config, "\(error); nothing was sent")
        }
    }
}
