import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore

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
    From a database, duplicates are not shown (the store counts them but does not keep them) and a conflict
    is shown with the user whose accepted event it contradicts.

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
      --limit N        the table's timeline shows the latest N lines (default 200; jsonl: all)
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

        let explanation = try files.isEmpty ? fromStore(args, user: id, today: today) : fromFiles(args, user: id, today: today)
        guard let explanation else { return .noInput }
        if let refusal = unknownChoice(explanation, program: args.value("program"), reward: args.value("reward")) {
            for (n, line) in refusal.split(separator: "\n").enumerated() { printError((n == 0 ? "incentives why: " : "") + line) }
            return .noInput
        }
        let shown = explanation.filtered(program: args.value("program"), reward: args.value("reward"), since: since)
        if args.flag("summary") {
            // From every line (a summary of what came after `--since` alone would invent run starts), for the rewards asked about.
            let whole = explanation.filtered(program: args.value("program"), reward: args.value("reward"))
            let summaries = WhyNotSummary.all(whole)
            if format == .jsonl { WhyNotText.writeJSONLines(summaries, user: id, to: Output.stdout) }
            else { WhyNotText.writeTable(summaries, slots: explanation.slots, to: Output.stdout) }
            Output.stdout.flush()
            return .ok
        }
        switch format {
        case .jsonl: WhyJSONLines.write(shown, to: Output.stdout)
        default: WhyTimeline(explanation: shown, showWrongType: args.flag("all"), limit: limit).write(to: Output.stdout)
        }
        Output.stdout.flush()
        return .ok
    }

    private static func date(_ args: Arguments, _ name: String) throws -> LocalDate? {
        guard let text = args.value(name) else { return nil }
        guard let d = LocalDate(iso: text) else { throw Arguments.UsageError(message: "--\(name) must be a date YYYY-MM-DD, got \(text)") }
        return d
    }

    private static func fromStore(_ args: Arguments, user id: String, today: LocalDate?) throws -> Explanation? {
        let reader = try StoreAccess.reader(args)
        if let x = try StoreAccess.mapping({ try reader.explain(user: id, today: today, program: args.value("program")) }) { return x }
        let similar = try StoreAccess.mapping { try NearestUsers.find(id, all: { try reader.members() }, prefix: { try reader.users(prefix: $0, limit: 10) }) }
        unknownUser(id, similar: similar.map { ($0.id, $0.employer, $0.timezone) })
        return nil
    }

    private static func fromFiles(_ args: Arguments, user id: String, today: LocalDate?) throws -> Explanation? {
        let path = try args.required("events")
        let engine = try Setup.engine(catalog: try args.required("catalog"), roster: try args.required("roster"))
        let explainer: Explainer
        do {
            explainer = try Explainer(intake: Intake(engine: engine), user: id)
        } catch {
            let members = engine.roster.members
            let similar = try NearestUsers.find(id, all: { members.sorted { $0.id < $1.id } },
                                                prefix: { p in Array(members.filter { $0.id.hasPrefix(p) }.sorted { $0.id < $1.id }.prefix(10)) })
            unknownUser(id, similar: similar.map { ($0.id, $0.employer, $0.timezone) })
            return nil
        }
        let stream = EventStream(path: path)
        let file = stream.displayName
        let raw = path == "-" ? nil : FileHandle(forReadingAtPath: path)
        do {
            try stream.forEach { item in
                switch item.event {
                case .success(let e): explainer.take(e, file: file, line: item.line)
                case .failure(let why):
                    // A refused line has no event; it is this user's when its JSON names them.
                    if let raw, names(id, raw, from: item.offset, to: item.nextOffset) { explainer.refused(why, file: file, line: item.line) }
                }
                return true
            }
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        }
        let day = today ?? engine.zone(of: id)!.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
        return explainer.explanation(today: day, program: args.value("program"))
    }

    /// Whether the line between the offsets is a JSON object whose "user" is `id`.
    private static func names(_ id: String, _ file: FileHandle, from: Int64, to: Int64) -> Bool {
        guard to > from, to - from <= 1 << 20 else { return false }
        try? file.seek(toOffset: UInt64(from))
        guard let data = try? file.read(upToCount: Int(to - from)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["user"] as? String == id
    }

    /// Why `--program` or `--reward` selects nothing for this user, or nil when it selects something: a program
    /// in no catalog, or a reward (name or incentive id) that the user's employer does not offer (in the program
    /// asked about, if any). Said with the nearest names, by edit distance, and what is offered. "none apply" and
    /// exit 0 read as "no events" to support staff.
    static func unknownChoice(_ e: Explanation, program: String?, reward: String?) -> String? {
        let user = e.member.id
        if let program, !e.slots.contains(where: { $0.program.id == program }) {
            let offered = unique(e.slots.map(\.program.id))
            return "no program \(JSONText.quote(program)) in the catalog" + Suggestion.clause(for: program, in: offered)
                + (offered.isEmpty ? "" : " (\(user)'s: \(offered.joined(separator: ", ")))")
        }
        guard let reward else { return nil }
        let scope = e.slots.filter { slot in program.map { slot.program.id == $0 } ?? true }
        guard !scope.contains(where: { $0.reward.reward == reward || $0.incentive.id == reward }) else { return nil }
        let employer = e.member.employer.map { "their employer " + JSONText.quote($0) } ?? "they have no employer"
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
