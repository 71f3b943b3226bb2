import Foundation
import IncentivesCore
import IncentivesStore

/// `incentives rejects`: the lines ingest refused, and why.
enum RejectsCommand: Command {
    static let name = "rejects"
    static let summary = "lines that ingest refused, with file, line and reason"
    static let valuedOptions: Set<String> = ["file", "code", "limit", "offset", "format", "db"]
    static let help = """
    Usage: incentives rejects [--file FILE] [--code CODE] [--limit N] [--offset N] [--format table|jsonl|csv] [--db PATH]

    Lists refused event lines in the order they were refused: the file (as it was named to ingest),
    the line, the reason code (invalid-json, missing-field, wrong-type, unknown-type, bad-timestamp,
    unknown-user, conflict, too-long, duplicate-key), the reason and the event id when the line had one.

      --file FILE      only lines of this file
      --code CODE      only this reason code
      --limit N        at most N (default: all; 200 for the table)
      --offset N       skip the first N
    \(OutputFormat.optionHelp)
    \(StoreAccess.optionHelp)

    Example:
      incentives rejects --db demo.sqlite --code unknown-user

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let format = try OutputFormat.from(args)
        let limit = args.value("limit") != nil ? try args.int("limit", default: 0, range: 0...Int.max) : (format == .table ? 200 : nil)
        let offset = try args.int("offset", default: 0, range: 0...Int.max)
        if let code = args.value("code"), Rejection.Code(rawValue: code) == nil {
            let known = Rejection.Code.allCases.map(\.rawValue)
            throw CommandFailure(.noInput, "no reason code \(JSONText.quote(code)) (codes: \(known.joined(separator: ", ")))" + Suggestion.clause(for: code, in: known))
        }
        let reader = try StoreAccess.reader(args)
        let rows = try StoreAccess.mapping { try reader.rejects(file: args.value("file"), code: args.value("code"), limit: limit, offset: offset) }
        var t = Table(["file", "line", "code", "reason", "eventId", "refusedAt"], numeric: ["line"])
        for r in rows {
            let when = Date(timeIntervalSince1970: r.at)
            t.add([r.file, String(r.line), r.code, r.reason, r.eventID, ISO8601DateFormatter().string(from: when)])
        }
        if format == .table && rows.isEmpty { Output.stdout.line("no rejected lines") }
        t.write(format, to: Output.stdout)
        Output.stdout.flush()
        return .ok
    }
}
