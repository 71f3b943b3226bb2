import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesPostgres
import IncentivesSQL

/// A store as the commands that write it see it, whichever it is: `Stores` (the one factory) picks it from the
/// location, and no command names a concrete store or asks which one it has. What differs between stores is said
/// by `StoreTraits` and done behind these methods.
public protocol StoreWriter: CatalogLoading {
    var traits: StoreTraits { get }

    /// Ingests the file at `path` (`-`: standard input) through the one ingest core (`IngestPipeline`).
    func ingest(path: String, options: IngestOptions, onLocked: () throws -> Void, onReject: (RejectedLine) -> Void,
                onProgress: (IngestProgress) -> Void) throws -> IngestOutcome
    /// Ingests a live source named `key` through the one ingest core.
    func ingest(source: any EventSource, key: String, options: IngestOptions, onLocked: () throws -> Void,
                onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void) throws -> IngestOutcome
    /// The awards stored so far for the events of ingest `id` (all its runs).
    func achievements(ofIngest id: Int64) throws -> Int

    /// Whether every stored event is evaluated (always, on a store that evaluates as it ingests).
    func isEvaluated() throws -> Bool
    /// Runs one worker of the evaluation stage (`EvaluationOptions.untilDrained` to stop once all is evaluated);
    /// a store that evaluates as it ingests has nothing to do.
    @discardableResult
    func evaluate(_ options: EvaluationOptions, onBatch: (EvaluationReport) -> Void) throws -> EvaluationReport
    /// After a bulk load: what the store needs to plan its queries well (a no-op where nothing does).
    func refreshStatistics()

    /// The partner outbox, for senders and exports.
    func deliveryQueue() -> any DeliveryQueue
    /// What a sender holds for its whole run when the outbox has no claim on a row (SQLite: `SenderLock`, so that a
    /// second sender is refused); nil where rows are claimed.
    func senderLock() throws -> SenderLock?
    /// Creates and grants the database roles (`init`); nil where the store has none.
    func grantRoles(_ roles: PGRoles) throws -> RolesGrant?
}

/// The database roles `init` creates and grants (reader, writer, sender; PostgreSQL's `PGRoles`), named so that a command
/// reaches them without naming the PostgreSQL module; a store without roles is handed them and ignores them.
public typealias StoreRoles = PGRoles

/// What granting the roles gave.
public enum RolesGrant {
    case applied
    /// This login may not create or grant them (the reason): `script` must be run by someone who may.
    case notPermitted(String, script: String)
}

/// What a command may need to know of a store before or without opening it.
public struct StoreTraits: Sendable, Equatable {
    /// An ingest evaluates as it reads (SQLite); otherwise it only admits, and an evaluation stage (workers,
    /// `incentives work`) evaluates the stored events (PostgreSQL's inbox).
    public let evaluatesOnIngest: Bool
    /// The store has database roles (reader, writer, sender) that `init` grants.
    public let hasRoles: Bool
    /// The database is a file on this machine (it can be missing, and removed and made again).
    public let isFile: Bool
}

extension StoreWriter where Self: IntakeStore {
    public func ingest(path: String, options: IngestOptions = IngestOptions(), onLocked: () throws -> Void = {},
                       onReject: (RejectedLine) -> Void = { _ in }, onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try IngestPipeline.ingest(path: path, into: self, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress)
    }

    public func ingest(source: any EventSource, key: String, options: IngestOptions = IngestOptions(), onLocked: () throws -> Void = {},
                       onReject: (RejectedLine) -> Void = { _ in }, onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try IngestPipeline.ingest(source: source, key: key, into: self, options: options, onLocked: onLocked, onReject: onReject,
                                  onProgress: onProgress)
    }
}

extension StoreWriter {
    /// Ingests `path` with the defaults.
    public func ingest(path: String, options: IngestOptions = IngestOptions()) throws -> IngestOutcome {
        try ingest(path: path, options: options, onLocked: {}, onReject: { _ in }, onProgress: { _ in })
    }
}
