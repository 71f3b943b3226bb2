import IncentivesCore
import IncentivesStore

/// `incentives achievements`: what was earned, filtered, in recording order.
enum AchievementsCommand: Command {
    static let name = "achievements"
    static let summary = "list recorded achievements (filter by user, employer, program, date)"
    static let valuedOptions: Set<String> = ["user", "employer", "program", "incentive", "tier", "since", "until", "sort", "limit", "offset", "format", "db"]
    static let help = """
    Usage: incentives achievements [--user U] [--employer E] [--program P] [--incentive I] [--tier T]
                                   [--since DATE] [--until DATE] [--sort ORDER] [--limit N] [--offset N]
                                   [--format table|jsonl|csv] [--db PATH]

    Lists achievements in the order they were recorded. With --format jsonl each line is what
    'incentives replay' prints for the same events, with one key added at its end: "catalogVersion", the
    catalog version the achievement was earned under (see incentives init).

      --user U         only this user's
      --employer E     only this employer's
      --program P      only this program's (also one removed from the catalog since: filters read what is stored)
      --incentive I    only this menu item's
      --tier T         only this tier's (a program's points ladder: "tier" in place of "incentive")
      --since DATE     completed on or after DATE (YYYY-MM-DD, the user's local day)
      --until DATE     completed on or before DATE
      --sort ORDER     recorded (default), newest, user, completed, program or reward
      --limit N        at most N (default: all; 200 for the table)
      --offset N       skip the first N
    \(OutputFormat.optionHelp)
    \(StoreAccess.optionHelp)

    Example:
      incentives achievements --db demo.sqlite --employer acme --since 2026-03-01
      incentives achievements --db demo.sqlite --format jsonl > achievements.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let format = try OutputFormat.from(args)
        var q = AchievementQuery(user: args.value("user"), employer: args.value("employer"), program: args.value("program"),
                                 incentive: args.value("incentive"))
        q.tier = args.value("tier")
        for name in ["since", "until"] {
            guard let v = args.value(name) else { continue }
            guard let day = LocalDate(iso: v) else { throw Arguments.UsageError(message: "--\(name) must be a date YYYY-MM-DD, got \(v)") }
            if name == "since" { q.since = day } else { q.until = day }
        }
        if let sort = args.value("sort") {
            guard let o = AchievementQuery.Order(rawValue: sort) else {
                throw Arguments.UsageError(message: "--sort must be one of \(AchievementQuery.Order.allCases.map(\.rawValue).joined(separator: ", ")); got \(sort)")
            }
            q.order = o
        }
        let explicitLimit = args.value("limit") != nil
        q.limit = explicitLimit ? try args.int("limit", default: 0, range: 0...Int.max) : (format == .table ? 200 : nil)
        q.offset = try args.int("offset", default: 0, range: 0...Int.max)
        let reader = try StoreAccess.reader(args)
        // Filters apply to what is stored: a program, employer or incentive removed from the catalog keeps its
        // awards, and they can be listed. Only a name neither the catalog nor any stored award has is a typo,
        // not "no achievements": say so, as `programs` does (66).
        let catalog = reader.catalog
        func check(_ value: String?, _ kind: String, known: [String], stored: (String) -> AchievementQuery) throws {
            guard let value, !known.contains(value) else { return }
            guard try StoreAccess.mapping({ try reader.achievementCount(stored(value)) }) == 0 else { return }
            throw CommandFailure(.noInput, "no \(kind) \(JSONText.quote(value)) in the catalog"
                                 + Suggestion.clause(for: value, in: known) + " (and no stored achievement has it)")
        }
        try check(q.employer, "employer", known: catalog.employers.map(\.id)) { AchievementQuery(employer: $0, limit: 1) }
        try check(q.program, "program", known: catalog.employers.flatMap { $0.programs.map(\.id) }) { AchievementQuery(program: $0, limit: 1) }
        try check(q.incentive, "incentive", known: catalog.incentives.map(\.id)) { AchievementQuery(incentive: $0, limit: 1) }
        try check(q.tier, "tier", known: catalog.employers.flatMap { $0.programs.flatMap { $0.tiers.map(\.id) } }) {
            var tier = AchievementQuery(limit: 1)
            tier.tier = $0
            return tier
        }
        let out = Output.stdout
        try StoreAccess.mapping {
            switch format {
            case .jsonl:
                try reader.forEachAchievement(q) { out.dataLine(Self.jsonLine($0), format: .json) }
            case .csv:
                // Streamed row by row, so that a million rows never sit in memory.
                out.dataLine(CSV.line(columns), format: .csv)
                try reader.forEachAchievement(q) { out.dataLine(CSV.line(row($0)), format: .csv) }
            case .table:
                var table = Table(columns)
                try reader.forEachAchievement(q) { table.add(row($0)) }
                table.write(.table, to: out)
                let total = try reader.achievementCount(q)
                if table.rows.isEmpty { out.line("no achievements match") }
                else if total > table.rows.count + q.offset {
                    out.line("… \(total - table.rows.count - q.offset) more; use --limit/--offset or --format jsonl")
                }
            }
        }
        out.flush()
        return .ok
    }

    static let columns = ["id", "user", "employer", "program", "incentive", "tier", "reward", "ordinal", "completedOn", "achievedAt", "catalogVersion"]

    /// The contract's line (CONTRACT §5) with the catalog version added as its last key.
    static func jsonLine(_ r: AchievementRecord) -> String {
        String(r.jsonLine.dropLast()) + ",\"catalogVersion\":\(r.catalogVersion)}"
    }

    static func row(_ r: AchievementRecord) -> [String?] {
        let a = r.achievement
        return [a.id, a.user, a.employer, a.program, a.incentive, a.tier ?? "", a.reward, String(a.ordinal), a.completedOn.iso, a.achievedAt.rfc3339,
                String(r.catalogVersion)]
    }
}
