import IncentivesCore
import IncentivesStore

/// `incentives report`: an employer's participation per program and period, or (`--billing`) one month's awards
/// with their cost, for finance (issue 25). The numbers come from `ReportReading` on either store.
enum ReportCommand: Command {
    static let name = "report"
    static let summary = "an employer's participation per program and month or week, or one month's billing"
    static let valuedOptions: Set<String> = ["employer", "program", "from", "to", "by", "month", "format", "db"]
    static let booleanOptions: Set<String> = ["billing", "funnel"]
    static let help = """
    Usage: incentives report --employer E [--program P] [--from DAY] [--to DAY] [--by month|week]
                             [--format table|jsonl|csv] [--db PATH|URL]
           incentives report --employer E [--program P] --billing --month YYYY-MM [--format table|jsonl|csv]
           incentives report --employer E [--program P] --funnel [--to DAY] [--format table|jsonl|csv]

    Participation in each of the employer's programs, one row per program and period, over every period of
    the program's span (--from/--to narrow it; the first and last period count only the days inside):
      eligible   the employer's users eligible on at least one day of the period inside the program
      active     users with an accepted event that qualifies for one of the program's rewards (CONTRACT §2)
                 on a local day of the period
      awarded    distinct users with an award (tiers included) completed in the period
      awards     those awards
      cost       what they cost, per currency, at the catalog's "cost" of each reward and tier

    --billing lists the awards completed in one month (--month): id, user, program, reward or tier, cost and
    the partners it goes to, then the totals.

    --funnel shows, per reward, how many of the users eligible in the program stand at each step toward their
    next award (0, 1, … of N days, as 'incentives user' shows them on --to, else on each user's today; the last
    step: the reward's limit reached), how many were awarded it, and the median days from a user's first
    qualifying event to their first award; for a points program, the users by the highest tier they reached.

      --employer E     the employer (required)
      --program P      only this program of the employer
      --from DAY       count from this local day (YYYY-MM-DD)
      --to DAY         count up to this local day
      --by month|week  calendar months (default: "2026-03") or ISO weeks ("2026-W10")
      --billing        one line per award of --month, and totals
      --funnel         where users stand on the way to each reward (and tier)
      --month YYYY-MM  the month --billing lists
    \(OutputFormat.optionHelp)
    \(StoreAccess.optionHelp)

    In CSV a cell that begins with =, +, -, @, a tab or a carriage return gets a leading ' so that no
    spreadsheet runs it as a formula.

    Exit status: 0 done; 64 a bad option, date or month, or --to before --from; 66 no database, or an unknown
                 employer or program (with the nearest name); 65 a cost sum past 64 bits.

    Example:
      incentives report --db demo.sqlite --employer acme --format jsonl
      incentives report --db demo.sqlite --employer acme --billing --month 2026-10

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let format = try OutputFormat.from(args)
        let employerID = try args.required("employer")
        func day(_ name: String) throws -> LocalDate? {
            guard let v = args.value(name) else { return nil }
            guard let d = LocalDate(iso: v) else { throw Arguments.UsageError(message: "--\(name) must be a date YYYY-MM-DD, got \(v)") }
            return d
        }
        let from = try day("from"), to = try day("to")
        if let from, let to, to < from { throw Arguments.UsageError(message: "--to \(to.iso) is before --from \(from.iso)") }
        let grouping: ReportGrouping
        if let by = args.value("by") {
            guard let g = ReportGrouping(rawValue: by) else {
                throw Arguments.UsageError(message: "--by must be one of month, week; got \(by)" + Suggestion.clause(for: by, in: ["month", "week"]))
            }
            grouping = g
        } else {
            grouping = .month
        }
        let billing = args.flag("billing"), funnel = args.flag("funnel")
        if billing && funnel { throw Arguments.UsageError(message: "--billing and --funnel are two reports; ask for one") }
        if funnel {
            for option in ["from", "by"] where args.value(option) != nil {
                throw Arguments.UsageError(message: "--funnel stands users on one day (--to); --\(option) is for the participation report")
            }
        }
        var month: (first: LocalDate, last: LocalDate)?
        if billing {
            for option in ["from", "to", "by"] where args.value(option) != nil {
                throw Arguments.UsageError(message: "--billing covers one --month; --\(option) is for the participation report")
            }
            let text = try args.required("month")
            guard text.utf8.count == 7, let first = LocalDate(iso: text + "-01") else {
                throw Arguments.UsageError(message: "--month must be a month YYYY-MM, got \(text)")
            }
            let period = ReportGrouping.month.period(of: first)
            month = (period.first, period.last)
        } else if args.value("month") != nil {
            throw Arguments.UsageError(message: "--month goes with --billing (for a range of days use --from and --to)")
        }

        let reader = try StoreAccess.reader(args)
        let catalog = reader.catalog
        guard let employer = catalog.employer(employerID) else {
            throw CommandFailure(.noInput, "no employer \(JSONText.quote(employerID)) in the catalog" + Suggestion.clause(for: employerID, in: catalog.employers.map(\.id)))
        }
        let program = args.value("program")
        if let program, !employer.programs.contains(where: { $0.id == program }) {
            throw CommandFailure(.noInput, "no program \(JSONText.quote(program)) of employer \(JSONText.quote(employerID)) in the catalog"
                                 + Suggestion.clause(for: program, in: employer.programs.map(\.id)))
        }
        let out = Output.stdout
        do {
            if funnel {
                let report = try StoreAccess.mapping { try reader.funnel(employer: employer, program: program, asOf: to) }
                writeFunnel(report, format: format, to: out)
            } else if let month {
                let report = try StoreAccess.mapping { try reader.billing(employer: employer, program: program, first: month.first, last: month.last) }
                writeBilling(report, employer: employer.id, format: format, to: out)
            } else {
                let rows = try StoreAccess.mapping { try reader.participation(employer: employer, program: program, by: grouping, from: from, to: to) }
                writeParticipation(rows, format: format, to: out)
            }
        } catch let e as ReportError {
            throw CommandFailure(.dataError, e.description)
        }
        out.flush()
        return .ok
    }

    static func writeParticipation(_ rows: [ParticipationRow], format: OutputFormat, to out: Output) {
        switch format {
        case .jsonl:
            for r in rows { out.dataLine(r.jsonLine, format: .json) }
        case .table, .csv:
            if format == .table && rows.isEmpty { out.line("no program of this employer has a day in that range"); return }
            // One cost column per currency any row has (the console's export writes the same table).
            let table = ParticipationRow.table(rows)
            var t = Table(table.columns)
            for r in table.cells { t.add(r) }
            t.write(format, to: out)
        }
    }

    static func writeFunnel(_ report: FunnelReport, format: OutputFormat, to out: Output) {
        switch format {
        case .jsonl:
            for r in report.rewards { out.dataLine(r.jsonLine, format: .json) }
            for t in report.tiers { out.dataLine(t.jsonLine, format: .json) }
        case .table, .csv:
            // Steps as "0:12 1:5 2:3 done:30"; a ladder as "none:12 bronze:30 silver:4".
            var t = Table(["employer", "program", "incentive", "reward", "needed", "steps", "awarded", "medianDays"])
            for r in report.rewards {
                let steps = r.steps.enumerated().map { "\($0 == r.needed ? "done" : String($0)):\($1)" }.joined(separator: " ")
                t.add([r.employer, r.program, r.incentive, r.reward, String(r.needed), steps, String(r.awarded), r.medianDays.map(FunnelRow.number) ?? ""])
            }
            for l in report.tiers {
                t.add([l.employer, l.program, "", "tiers", "", l.tiers.map { "\($0.id.isEmpty ? "none" : $0.id):\($0.users)" }.joined(separator: " "), "", ""])
            }
            t.write(format, to: out)
        }
    }

    static func writeBilling(_ report: BillingReport, employer: String, format: OutputFormat, to out: Output) {
        switch format {
        case .jsonl:
            for line in report.lines { out.dataLine(line.jsonLine, format: .json) }
            out.dataLine("{\"employer\":\(JSONText.quote(employer)),\"total\":true,\"awards\":\(report.lines.count),\"cost\":\(report.total.json)}", format: .json)
        case .table, .csv:
            var t = Table(["id", "user", "program", "reward", "tier", "completedOn", "amount", "currency", "partners"])
            for l in report.lines {
                t.add([l.id, l.user, l.program, l.reward, l.tier ?? "", l.completedOn.iso, l.cost?.amount ?? "", l.cost?.currency ?? "",
                       l.partners.joined(separator: " ")])
            }
            // The totals: one row per currency, then the number of awards.
            for (currency, amount) in report.total.sorted {
                t.add(["total", "", "", "", "", "", amount, currency, ""])
            }
            t.add(["awards", String(report.lines.count), "", "", "", "", "", "", ""])
            t.write(format, to: out)
        }
    }
}
