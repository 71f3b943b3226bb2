import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesPostgres
import IncentivesSQL

/// The SQLite store on the write port: it evaluates as it ingests, has no roles, and guards its one sender with a file lock.
extension Store: StoreWriter {
    public var traits: StoreTraits { Stores.sqliteTraits }

    public func achievements(ofIngest id: Int64) throws -> Int {
        try db.integer("SELECT achievements FROM ingests WHERE id = ?", .int(id))
    }

    public func isEvaluated() throws -> Bool { true }

    public func evaluate(_ options: EvaluationOptions, onBatch: (EvaluationReport) -> Void) throws -> EvaluationReport { EvaluationReport() }

    /// SQLite keeps its statistics itself (`PRAGMA optimize` at close).
    public func refreshStatistics() {}

    public func deliveryQueue() -> any DeliveryQueue { StoreDeliveryQueue(store: self) }

    public func senderLock() throws -> SenderLock? { try SenderLock(databasePath: path) }

    public func grantRoles(_ roles: PGRoles) throws -> RolesGrant? { nil }
}
