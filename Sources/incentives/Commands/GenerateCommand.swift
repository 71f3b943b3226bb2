import IncentivesBench
import IncentivesCore

/// `incentives generate`: writes a realistic catalog, roster and event file (demo data, QA, benchmarks).
enum GenerateCommand: Command {
    static let name = "generate"
    static let summary = "write a realistic catalog, roster and events (demo, QA, benchmark input)"
    static let valuedOptions: Set<String> = ["out", "users", "days", "employers", "from", "seed"]
    static let booleanOptions: Set<String> = ["no-partners"]
    static let help = """
    Usage: incentives generate --out DIR [--users N] [--days N] [--employers N] [--from DATE] [--seed N]

    Writes DIR/catalog.json, DIR/roster.jsonl and DIR/events.jsonl: employers choosing different menu
    items and rewards, users in many zones (+14, -11, +05:30, +05:45, DST zones), logs arriving day by
    day with some late, some re-sent (duplicates), births, and a few bad lines. The same options always
    give the same bytes.

      --out DIR        where to write (created if missing)
      --users N        enterprise users (default 300)
      --days N         days of events (default 28)
      --employers N    employers, up to 20 with real-looking names (default 5)
      --from DATE      first day of events, YYYY-MM-DD (default 2026-10-27), so that every event's UTC
                       instant falls in years 0001-9999: from 0001-01-02 to --days + 5 days before 9999-12-31
      --seed N         random seed (default 2026)
      --no-partners    leave partners out of the catalog

    Example (the demo data in Assets/demo was made with):
      incentives generate --out Assets/demo --users 300 --days 28 --employers 5

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        var g = LoadGenerator()
        let out = try args.required("out")
        g.users = try args.int("users", default: 300, range: 1...10_000_000)
        g.days = try args.int("days", default: 28, range: 1...3660)
        g.employers = try args.int("employers", default: 5, range: 1...1000)
        g.seed = UInt64(try args.int("seed", default: 2026, range: 0...Int.max))
        g.withPartners = !args.flag("no-partners")
        if let from = args.value("from") {
            guard let d = LocalDate(iso: from) else { throw Arguments.UsageError(message: "--from must be a date YYYY-MM-DD, got \(from)") }
            let allowed = LoadGenerator.firstDays(forDays: g.days)
            guard allowed.contains(d) else {
                throw Arguments.UsageError(message: "--from \(from) with --days \(g.days): the events would fall outside years 0001-9999 in UTC; give a day from \(allowed.lowerBound.iso) to \(allowed.upperBound.iso)")
            }
            g.firstDay = d
        }
        let count: Int
        do {
            count = try g.write(to: out)
        } catch {
            throw CommandFailure(.cantCreate, "\(out): \(error.localizedDescription)")
        }
        printError("wrote \(out)/catalog.json, \(out)/roster.jsonl (\(g.users) users) and \(out)/events.jsonl (\(count) lines)")
        return .ok
    }
}
