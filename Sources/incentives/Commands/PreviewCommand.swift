import Foundation
import IncentivesCore
import IncentivesStore

/// `incentives preview`: what a proposed catalog would have awarded over the stored events, beside the current one.
enum PreviewCommand: Command {
    static let name = "preview"
    static let summary = "what-if: what a proposed catalog would have awarded over the stored events"
    static let valuedOptions: Set<String> = ["catalog", "since", "until", "employer", "format", "db"]
    static let help = """
    Usage: incentives preview --catalog FILE [--since DATE] [--until DATE] [--employer ID] [--format table|jsonl|csv] [--db PATH]

    Evaluates the proposed catalog over every event stored in the database, in arrival order, through the
    same pipeline as ingest, in memory (nothing is written), beside the current catalog. Prints per employer,
    program and reward: achievements under the current catalog, under the proposed one, the difference, and
    how many users would have earned it at least once under the proposal. The whole history is evaluated;
    --since and --until count the achievements completed between those local days (inclusive). When either
    catalog gives a reward or tier a "cost", currentCost and proposedCost say what its achievements cost under
    each (their count times that catalog's price), by currency.

    What applying does: 'init' without --backfill records nothing for past events (the store keeps CURRENT;
    added and changed rewards count from the effective day). BACKFILL is what the store holds for the reward
    right after 'init --backfill': added rewards earn over the whole history, a redefined one adds its awards to
    the old one's, an extended program or a higher limit adds the awards it allows, and nothing is taken back.

      --catalog FILE   the proposed catalog (validated as init validates it)
      --since DATE     count achievements completed on or after DATE (YYYY-MM-DD)
      --until DATE     count achievements completed on or before DATE
      --employer ID    only this employer's rewards
    \(OutputFormat.optionHelp)
    \(StoreAccess.optionHelp)

    Exit status: 0 done; 64 bad option; 66 a missing file, no stored events or an unknown employer;
                 78 the proposed catalog is refused.

    Example:
      incentives preview --db demo.sqlite --catalog proposed.json --since 2026-10-01 --until 2026-12-31

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let format = try OutputFormat.from(args)
        let catalogPath = try args.required("catalog")
        var bounds: [String: LocalDate] = [:]
        for name in ["since", "until"] {
            guard let v = args.value(name) else { continue }
            guard let d = LocalDate(iso: v) else { throw Arguments.UsageError(message: "--\(name) must be a date YYYY-MM-DD, got \(v)") }
            bounds[name] = d
        }
        if let s = bounds["since"], let u = bounds["until"], s > u {
            throw Arguments.UsageError(message: "--since \(s.iso) is after --until \(u.iso)")
        }
        if !FileManager.default.isReadableFile(atPath: catalogPath) {
            throw CommandFailure(.noInput, "\(catalogPath): \(FileManager.default.fileExists(atPath: catalogPath) ? "cannot be read" : "no such file")")
        }
        let proposed = try Setup.catalog(catalogPath)
        let reader = try StoreAccess.reader(args)
        let employer = args.value("employer")
        if let employer, reader.catalog.employer(employer) == nil, proposed.employer(employer) == nil {
            let known = Set(reader.catalog.employers.map(\.id) + proposed.employers.map(\.id)).sorted()
            throw CommandFailure(.noInput, "no employer \(JSONText.quote(employer)) in either catalog" + Suggestion.clause(for: employer, in: known))
        }
        let total = try StoreAccess.mapping { try reader.counts() }.events
        if total == 0 {
            throw CommandFailure(.noInput, "\(StoreAccess.path(args)): no events are stored yet, so there is nothing to preview (run incentives ingest first)")
        }
        let members = try StoreAccess.mapping { try reader.members() }
        let preview: CatalogPreview
        do {
            preview = try CatalogPreview(current: reader.catalog, proposed: proposed, roster: Roster(members: members),
                                         since: bounds["since"], until: bounds["until"], employer: employer)
        } catch {
            throw CommandFailure(.config, "catalog refused: \(error)")
        }
        let bar = ProgressBar()
        // Reading the next batch from SQLite overlaps evaluating the last one (itself two threads, one per
        // catalog): one batch is evaluated at a time, in arrival order.
        let evaluation = PreviewEvaluation(preview)
        var batch: [Event] = []
        batch.reserveCapacity(Self.batchSize)
        var read = 0
        try StoreAccess.mapping {
            try reader.forEachEvent(afterSeq: 0) { seq, event in
                batch.append(event)
                read += 1
                if batch.count == Self.batchSize {
                    evaluation.take(batch)
                    batch = []
                    batch.reserveCapacity(Self.batchSize)
                    bar.update(done: seq, total: Int64(total), lines: read)
                }
            }
        }
        evaluation.take(batch)
        evaluation.finish()
        bar.finish()
        write(preview.rows, format: format, current: reader.catalog, proposed: proposed)
        return .ok
    }

    static let batchSize = 50_000

    /// The rows; when either catalog prices a reward or tier (`"cost"`, issue 25), two more columns: what each row's
    /// achievements cost under each catalog (its count times that catalog's price), by currency.
    static func write(_ rows: [CatalogPreview.Row], format: OutputFormat, current: Catalog, proposed: Catalog) {
        let priced = [current, proposed].contains { c in
            c.employers.contains { e in e.programs.contains { p in p.rewards.contains { $0.cost != nil } || p.tiers.contains { $0.cost != nil } } }
        }
        var t = Table(["employer", "program", "incentive", "reward", "current", "proposed", "difference", "users", "backfill", "change"]
                      + (priced ? ["currentCost", "proposedCost"] : []),
                      numeric: Set(["current", "proposed", "difference", "users", "backfill"]
                                   + (priced && format == .jsonl ? ["currentCost", "proposedCost"] : [])))
        for r in rows {
            var cells: [String?] = [r.employer, r.program, r.incentive, r.reward, String(r.current), String(r.proposed),
                                    (format == .table && r.difference > 0 ? "+" : "") + String(r.difference), String(r.users), String(r.afterBackfill),
                                    r.changeText]
            if priced {
                for (catalog, count) in [(current, r.current), (proposed, r.proposed)] {
                    var total = MoneyTotals()
                    if let price = price(of: r, in: catalog), count > 0 {
                        let (units, overflow) = price.units.multipliedReportingOverflow(by: Int64(count))
                        if !overflow { total.add(Money(units: units, currency: price.currency)) }
                    }
                    cells.append(format == .jsonl ? total.json : total.text)
                }
            }
            t.add(cells)
        }
        if format == .table && rows.isEmpty { Output.stdout.line("no rewards in either catalog") }
        t.write(format, to: Output.stdout)
        Output.stdout.flush()
    }

    /// A row's price in a catalog: its tier's (incentive "tier:ID") or its reward's; nil when it has none there.
    static func price(of r: CatalogPreview.Row, in catalog: Catalog) -> Money? {
        guard let p = catalog.employer(r.employer)?.programs.first(where: { $0.id == r.program }) else { return nil }
        if r.incentive.hasPrefix("tier:") { return p.tiers.first { "tier:" + $0.id == r.incentive }?.cost }
        return p.rewards.first { $0.incentive == r.incentive && $0.reward == r.reward }?.cost
    }
}

/// Evaluates a preview's batches on a queue of their own, one at a time and in order, while the caller reads the
/// next one. The preview is touched only on that queue until `finish`.
private final class PreviewEvaluation: @unchecked Sendable {
    private let preview: CatalogPreview
    private let queue = DispatchQueue(label: "preview")
    private let group = DispatchGroup()

    init(_ preview: CatalogPreview) { self.preview = preview }

    func take(_ batch: [Event]) {
        group.wait() // the previous batch first: arrival order
        group.enter()
        queue.async { [self] in
            preview.take(batch)
            group.leave()
        }
    }

    func finish() { group.wait() }
}
