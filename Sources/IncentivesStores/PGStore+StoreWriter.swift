import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesPostgres

/// The PostgreSQL store on the write port: an admit-only inbox with workers (`PGWorker`) and database roles.
extension PGStore: StoreWriter {
    public var traits: StoreTraits { Stores.postgresTraits }

    public func isEvaluated() throws -> Bool { try PGWorker.isDrained(self) }

    public func evaluate(_ options: EvaluationOptions, onBatch: (EvaluationReport) -> Void) throws -> EvaluationReport {
        try PGWorker(store: self).run(options, onBatch: onBatch)
    }

    /// Rows are claimed `FOR UPDATE SKIP LOCKED`: any number of senders.
    public func deliveryQueue() -> any DeliveryQueue { PGDeliveryQueue(store: self) }

    public func senderLock() throws -> SenderLock? { nil }

    public func grantRoles(_ roles: PGRoles) throws -> RolesGrant? {
        switch try applyRoles(roles) {
        case .applied: return .applied
        case .notPermitted(let why):
            let n = try names()
            return .notPermitted(why, script: roles.script(database: n.database, schema: n.schema, owner: n.owner))
        }
    }
}
