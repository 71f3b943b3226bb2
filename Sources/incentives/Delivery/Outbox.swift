import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput
import IncentivesStore
import IncentivesStores

/// The outbox a delivery command works on, and the catalog that names the partners.
/// - The database (`--db`, default location as for every command): the `deliveries` table the ingest fills
///   in the same transaction as each achievement, with the catalog stored by `incentives init`.
/// - File mode (`--catalog --roster --achievements`): the achievements printed by `incentives replay`,
///   all pending, in memory. Nothing is remembered between runs, so a second run sends everything again
///   with the same delivery ids (partners de-duplicate). For trying a partner's endpoint, not for operation.
struct Outbox {
    let catalog: Catalog
    let queue: any DeliveryQueue
    /// False in file mode: retrying by hand needs state that outlives the run.
    let isPersistent: Bool
    /// The database, when the outbox is in one: a sender takes its `senderLock()` (SQLite's outbox has no per-row claim).
    var store: (any StoreWriter)? = nil

    static let sourceOptions: Set<String> = ["db", "catalog", "roster", "achievements"]

    static let optionHelp = """
    \(StoreAccess.optionHelp)
      --catalog FILE --roster FILE --achievements FILE
                       file mode instead of the database: the achievements printed by 'incentives replay',
                       in an outbox that lives for this run only (every run sends all again, same ids)
    """

    static func open(_ args: Arguments) throws -> Outbox {
        guard args.value("achievements") != nil || args.value("catalog") != nil || args.value("roster") != nil else {
            let store = try StoreAccess.writer(args, create: false)
            let catalog = try StoreAccess.mapping { try store.catalog() }
            return Outbox(catalog: catalog, queue: store.deliveryQueue(), isPersistent: true, store: store)
        }
        guard args.value("db") == nil else {
            throw Arguments.UsageError(message: "give either --db or --catalog, --roster and --achievements, not both")
        }
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
