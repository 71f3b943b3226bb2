import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesText

/// The exit statuses a benchmark can end with (the sysexits values `incentives` uses).
public enum BenchStatus: Int32, Sendable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cantCreate = 73
}

/// A benchmark that could not run: a message for people and the status `incentives bench` exits with.
public struct BenchFailure: Error, CustomStringConvertible, LocalizedError {
    public let status: BenchStatus
    public let message: String

    public init(_ status: BenchStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// What the benchmarks take from the `incentives` command itself. They time its commands as it runs them, so
/// the few pieces that belong to the command (not to a library) are handed in by `incentives bench`
/// (Sources/incentives/Commands/BenchCommand.swift).
public struct BenchCommands {
    /// How many lines `replay` hands its intake at once.
    public var replayBatchSize: Int
    /// The catalog, roster and zones, loaded and checked as `replay` loads them.
    public var configuration: (_ catalog: String, _ roster: String) throws -> (catalog: Catalog, roster: Roster, zones: ZoneDirectory)
    /// How `why --format jsonl` writes one explanation.
    public var writeWhy: (Explanation, Output) -> Void
    /// The console's data over the database at a path, opened as `incentives console --db` opens it.
    public var consoleData: (String) throws -> any ConsoleData

    public init(replayBatchSize: Int,
                configuration: @escaping (_ catalog: String, _ roster: String) throws -> (catalog: Catalog, roster: Roster, zones: ZoneDirectory),
                writeWhy: @escaping (Explanation, Output) -> Void,
                consoleData: @escaping (String) throws -> any ConsoleData) {
        self.replayBatchSize = replayBatchSize
        self.configuration = configuration
        self.writeWhy = writeWhy
        self.consoleData = consoleData
    }
}
