import Foundation
import IncentivesInput
import IncentivesCore
import IncentivesStore
import IncentivesSQL

/// `incentives programs`: the employers' menus, with enrolment and achievements so far.
enum ProgramsCommand: Command {
    static let name = "programs"
    static let summary = "the employers' programs: items chosen, parameters, rewards, limits, windows, counts"
    static let valuedOptions: Set<String> = ["employer", "format", "db", "version"]
    static let booleanOptions: Set<String> = ["versions"]
    static let help = """
    Usage: incentives programs [--employer E] [--version N | --versions] [--format table|jsonl|csv] [--db PATH]

    One row per reward of each program: the menu item chosen (its kind and parameters, the event and
    categories it counts), the reward and its limit per user, the program's window, how many users are
    enrolled (on the roster for that employer) and how many achievements were recorded so far.

      --employer E     only this employer's programs
      --version N      the programs of catalog version N (an earlier one), without counts
      --versions       the catalog versions: when each was loaded, its effective day and what it changed
    \(OutputFormat.optionHelp)
    \(StoreAccess.optionHelp)

    Example:
      incentives programs --db demo.sqlite --employer acme

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let format = try OutputFormat.from(args)
        let reader = try StoreAccess.reader(args)
        let employer = args.value("employer")
        if args.flag("versions") { return try listVersions(reader, format: format) }
        if args.value("version") != nil {
            let n = try args.int("version", default: 1)
            let versions = try StoreAccess.mapping { try reader.catalogVersions() }
            guard let v = versions.first(where: { $0.version == n }) else {
                throw CommandFailure(.noInput, "no catalog version \(n) (versions: \(versions.map { String($0.version) }.joined(separator: ", ")))")
            }
            let catalog: Catalog
            do { catalog = try CatalogDecoder.decode(Data(v.catalogJSON.utf8), file: "catalog version \(n)") } catch {
                throw CommandFailure(.dataError, "catalog version \(n) no longer decodes: \(error)")
            }
            var t = Table(["employer", "program", "starts", "ends", "incentive", "kind", "parameters", "counts", "reward", "limit"], numeric: ["limit"])
            for e in catalog.employers where employer == nil || e.id == employer {
                for p in e.programs {
                    for r in p.rewards {
                        guard let inc = catalog.incentive(r.incentive) else { continue }
                        t.add([e.id, p.id, p.starts.iso, p.ends.iso, inc.id, type(of: inc.rule).kind, inc.rule.parameters.map(\.description).joined(separator: " "),
                               inc.event.rawValue + (inc.categories.map { " [" + $0.sorted().joined(separator: ",") + "]" } ?? ""), r.reward, String(r.limit)])
                    }
                }
            }
            t.write(format, to: Output.stdout)
            Output.stdout.flush()
            return .ok
        }
        let rows = try StoreAccess.mapping { try reader.programs(employer: employer) }
        if let employer, rows.isEmpty, reader.catalog.employer(employer) == nil {
            throw CommandFailure(.noInput, "no employer \(JSONText.quote(employer)) in the catalog")
        }
        var t = Table(["employer", "program", "starts", "ends", "incentive", "kind", "parameters", "counts", "reward", "limit", "enrolled", "achievements"],
                      numeric: ["limit", "enrolled", "achievements"])
        for r in rows {
            let inc = r.incentive
            let params = inc.rule.parameters.map(\.description).joined(separator: " ")
            let counts = inc.event.rawValue + (inc.categories.map { " [" + $0.sorted().joined(separator: ",") + "]" } ?? "")
            t.add([r.employer.id, r.program.id, r.program.starts.iso, r.program.ends.iso, inc.id, r.kind, params, counts, r.reward.reward,
                   String(r.reward.limit),
                   String(r.enrolled), String(r.achievements)])
        }
        if format == .table && rows.isEmpty { Output.stdout.line("no programs") }
        t.write(format, to: Output.stdout)
        Output.stdout.flush()
        return .ok
    }

    static func listVersions(_ reader: any StoreLookups, format: OutputFormat) throws -> ExitCode {
        let versions = try StoreAccess.mapping { try reader.catalogVersions() }
        var t = Table(["version", "effective", "loaded", "file", "changes"], numeric: ["version"])
        for v in versions {
            let loaded = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: v.loadedAt))
            t.add([String(v.version), v.effective?.iso ?? "-", loaded, v.file, v.changes.isEmpty ? "(first)" : v.changes.joined(separator: "; ")])
        }
        t.write(format, to: Output.stdout)
        Output.stdout.flush()
        return .ok
    }
}
