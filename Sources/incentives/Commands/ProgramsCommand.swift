import IncentivesCore
import IncentivesStore

/// `incentives programs`: the employers' menus, with enrolment and achievements so far.
enum ProgramsCommand: Command {
    static let name = "programs"
    static let summary = "the employers' programs: items chosen, parameters, rewards, limits, windows, counts"
    static let valuedOptions: Set<String> = ["employer", "format", "db"]
    static let help = """
    Usage: incentives programs [--employer E] [--format table|jsonl|csv] [--db PATH]

    One row per reward of each program: the menu item chosen (its kind and parameters, the event and
    categories it counts), the reward and its limit per user, the program's window, how many users are
    enrolled (on the roster for that employer) and how many achievements were recorded so far.

      --employer E     only this employer's programs
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
}
