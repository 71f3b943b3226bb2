import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesSQL

/// `incentives why`: every decision about one user's events, reward by reward, in the words support staff
/// use with the member ("day 3 of 5", "before the program starts"), and what would earn each reward next.
enum WhyCommand: Command {
    static let name = "why"
    static let summary = "why a user's events earned, counted or not, reward by reward, and what would earn next"
    static let valuedOptions: Set<String> = ["db", "format", "reward", "program", "since", "today", "limit", "catalog", "roster", "events"]
    static let booleanOptions: Set<String> = ["all", "summary"]
    static let help = """
    Usage: incentives why USER [--reward R] [--program P] [--since DATE] [--today DATE] [--all] [--limit N]
                              [--summary] [--format table|jsonl] [--db PATH]
           incentives why USER --catalog FILE --roster FILE --events FILE|-  [the same filters]

    Replays the user's events through the same admission and engine as ingest and says, for every event
    and every reward of the user's employer, what came of it, and for every reward what would earn it next
    and the last day that counts. Outcome codes:
      earned, counted, day-already-counted, day-already-used, period-already-earned, limit-reached,
      before-program, after-program, not-eligible, wrong-type, category-not-counted, no-employer,
      employer-not-in-program, duplicate, conflict, rejected
    Reward states: open, limit-reached, closed, employer-not-in-program.
    From a database, an exact re-send is shown as a duplicate where it arrived, as from the files (re-sends
    stored before this version were only counted), and a conflict with the id and reason the store keeps.
    The timeline is read in pages and streamed: memory does not grow with the user's history.

      --reward R       one reward (its name, e.g. "Pregnancy pillow", or its incentive id)
      --program P      one program; a program of another employer says employer-not-in-program
      --since DATE     only events on local days from DATE (YYYY-MM-DD) on
      --today DATE     judge what comes next as of this local day (default: today in the user's zone)
      --summary        instead of the timeline, a why-not summary per reward: the longest run of days that
                       counted together, the exact days that broke past runs (a week or month ended short
                       for per-period rewards), days outside the program or the eligibility, and events
                       that arrived late (after an event of a later local day); jsonl: one object per
                       reward. --since does not narrow it (a run's start would be invented)
      --all            the table also lists wrong-type lines (jsonl always does)
      --limit N        stop after N timeline lines (in arrival order, from --since): later events are not
                       read, and the rewards are as of the last line shown (jsonl ends with a "stopped" object).
                       Without it the whole history is read; the table shows the latest 200 lines, jsonl all
      --format F       table (default: a timeline, latest first) or jsonl (one object per event and reward,
                       in arrival order, then one per reward)
      --catalog, --roster, --events   explain from the files, like replay, without a database
    \(StoreAccess.optionHelp)

    Exit status: 0 explained; 66 no such user (the nearest ids are listed), a --program in no catalog or a
                 --reward the user's employer does not offer (the nearest names are listed), or no input;
                 64 bad usage; 78 catalog or roster refused.

    Example:
      incentives why ana --db demo.sqlite --reward "Pregnancy pillow"

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        guard args.positionals.count == 1, let id = args.positionals.first else {
            throw Arguments.UsageError(message: args.positionals.isEmpty ? "which user? (incentives why USER)" : "one user at a time")
        }
        let format = try OutputFormat.from(args)
        guard format != .csv else { throw Arguments.UsageError(message: "--format must be table or jsonl, got csv") }
        let since = try date(args, "since"), today = try date(args, "today")
        let limit = try args.int("limit", default: 200, range: 1...Int.max)
        let files = ["catalog", "roster", "events"].filter { args.value($0) != nil }
        guard files.isEmpty || files.count == 3 else {
            throw Arguments.UsageError(message: "--catalog, --roster and --events go together")
        }
        if !files.isEmpty, args.value("db") != nil { throw Arguments.UsageError(message: "--db or the three files, not both") }

        // Streamed: each line is written (jsonl) or kept in a bounded window (table) as the explanation makes it, and
        // `--limit` stops the reading itself (issue 21). A choice that selects nothing is refused before any output.
        let filter = ExplanationFilter(program: args.value("program"), reward: args.value("reward"), since: since)
        let stopAfter = args.value("limit") == nil ? nil : limit
        var refusal: String?
        let refuses = { (member: Member, slots: [RewardSlot]) -> Bool in
            refusal = unknownChoice(member: member, slots: slots, program: args.value("program"), reward: args.value("reward"))
            return refusal != nil
        }
        let consumer: any ExplanationConsumer
        let finish: (Explanation) -> Void
        switch format {
        case _ where args.flag("summary"):
            // A summary needs every line (a summary of what came after `--since` alone would invent run starts): it
            // is the one form that keeps the user's whole timeline, for the rewards asked about.
            let lines = WhySummaryLines(refuses: refuses)
            (consumer, finish) = (lines, { e in
                var whole = e
                whole.lines = lines.lines
                let summaries = WhyNotSummary.all(whole.filtered(program: args.value("program"), reward: args.value("reward")))
                if format == .jsonl { WhyNotText.writeJSONLines(summaries, user: id, to: Output.stdout) }
                else { WhyNotText.writeTable(summaries, slots: e.slots, to: Output.stdout) }
            })
        case .jsonl:
            let w = WhyJSONLines(out: Output.stdout, filter: filter, stopAfter: stopAfter, refuses: refuses)
            (consumer, finish) = (w, { w.finish($0) })
        default:
            let t = WhyTimeline(filter: filter, showWrongType: args.flag("all"), stopAfter: stopAfter, refuses: refuses)
            (consumer, finish) = (t, { t.finish($0, to: Output.stdout) })
        }
        let explanation = try files.isEmpty ? fromStore(args, user: id, today: today, to: consumer)
                                            : fromFiles(args, user: id, today: today, to: consumer)
        guard let explanation else { return .noInput }
        if let refusal {
            for (n, line) in refusal.split(separator: "\n").enumerated() { printError((n == 0 ? "incentives why: " : "") + line) }
            return .noInput
        }
        finish(explanation)
        Output.stdout.flush()
        return .ok
    }

    private static func date(_ args: Arguments, _ name: String) throws -> LocalDate? {
        guard let text = args.value(name) else { return nil }
        guard let d = LocalDate(iso: text) else { throw Arguments.UsageError(message: "--\(name) must be a date YYYY-MM-DD, got \(text)") }
        return d
    }

    private static func fromStore(_ args: Arguments, user id: String, today: LocalDate?, to consumer: any ExplanationConsumer) throws -> Explanation? {
        let reader = try StoreAccess.reader(args)
        if let x = try StoreAccess.mapping({
            try reader.explain(user: id, today: today, program: args.value("program"), paging: WhyPaging(), to: consumer)
        }) { return x }
        let similar = try StoreAccess.mapping { try NearestUsers.find(id, all: { try reader.members() }, prefix: { try reader.users(prefix: $0, limit: 10) }) }
        unknownUser(id, similar: similar.map { ($0.id, $0.employer, $0.timezone) })
        return nil
    }

    private static func fromFiles(_ args: Arguments, user id: String, today: LocalDate?, to consumer: any ExplanationConsumer) throws -> Explanation? {
        let path = try args.required("events")
        let engine = try Setup.engine(catalog: try args.required("catalog"), roster: try args.required("roster"))
        guard engine.roster.member(id) != nil else {
            let members = engine.roster.members
            let similar = try NearestUsers.find(id, all: { members.sorted { $0.id < $1.id } },
                                                prefix: { p in Array(members.filter { $0.id.hasPrefix(p) }.sorted { $0.id < $1.id }.prefix(10)) })
            unknownUser(id, similar: similar.map { ($0.id, $0.employer, $0.timezone) })
            return nil
        }
        do {
            return try FileExplanation.explain(user: id, engine: engine, events: path, today: today, program: args.value("program"), to: consumer)
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        }
    }

    /// Why `--program` or `--reward` selects nothing for this user, or nil when it selects something: a program
    /// in no catalog, or a reward (name or incentive id) that the user's employer does not offer (in the program
    /// asked about, if any). Said with the nearest names, by edit distance, and what is offered. "none apply" and
    /// exit 0 read as "no events" to support staff.
    static func unknownChoice(member: Member, slots: [RewardSlot], program: String?, reward: String?) -> String? {
        let user = member.id
        if let program, !slots.contains(where: { $0.program.id == program }) {
            let offered = unique(slots.map(\.program.id))
            return "no program \(JSONText.quote(program)) in the catalog" + Suggestion.clause(for: program, in: offered)
                + (offered.isEmpty ? "" : " (\(user)'s: \(offered.joined(separator: ", ")))")
        }
        guard let reward else { return nil }
        let scope = slots.filter { slot in program.map { slot.program.id == $0 } ?? true }
        guard !scope.contains(where: { $0.reward.reward == reward || $0.incentive.id == reward }) else { return nil }
        let employer = member.employer.map { "their employer " + JSONText.quote($0) } ?? "they have no employer"
        let names = unique(scope.map(\.reward.reward))
        let near = Suggestion.nearest(to: reward, in: names + unique(scope.map(\.incentive.id)), limit: 3)
        var text = "\(user) is not offered \(JSONText.quote(reward))" + (program.map { " in \($0)" } ?? "") + ": \(employer) does not offer it"
        if !near.isEmpty { text += "; did you mean \(near.map(JSONText.quote).joined(separator: " or "))?" }
        if !names.isEmpty { text += "\n  offered to \(user): " + names.map(JSONText.quote).joined(separator: ", ") }
        return text
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    private static func unknownUser(_ id: String, similar: [(String, String?, String)]) {
        printError("incentives why: no user \(JSONText.quote(id)) on the roster" + (similar.isEmpty ? "" : "; the nearest ids:"))
        for (u, employer, zone) in similar { printError("  \(u)  \(employer ?? "-")  \(zone)") }
    }
}

/// `why --summary`: keeps every line (the summary reads the whole timeline), and asks the command at `begin`
/// whether it refuses the choice, as the streamed forms do.
private final class WhySummaryLines: ExplanationConsumer {
    private let refuses: (Member, [RewardSlot]) -> Bool
    private(set) var lines: [ExplanationLine] = []
    private var refused = false

    init(refuses: @escaping (Member, [RewardSlot]) -> Bool) { self.refuses = refuses }

    func begin(member: Member, slots: [RewardSlot]) { refused = refuses(member, slots) }

    func take(_ line: ExplanationLine) -> Bool {
        guard !refused else { return false }
        lines.append(line)
        return true
    }
}
