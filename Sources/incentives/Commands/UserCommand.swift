import Foundation
import IncentivesCore
import IncentivesStore

/// `incentives user`: everything support needs about one user, from the database.
enum UserCommand: Command {
    static let name = "user"
    static let summary = "one user's profile, eligibility, progress on each reward, achievements, recent events"
    static let valuedOptions: Set<String> = ["db", "format", "events", "today"]
    static let help = """
    Usage: incentives user USER [--events N] [--today DATE] [--format table|jsonl|csv] [--db PATH]

    Shows a user's profile and eligibility, their standing on each reward of their employer's programs
    (e.g. "day 3 of 5, last logged Tue 4 Mar (America/Chicago)"), their achievements, where each award
    stands with the partner that ships it (sent, pending, retrying or failed, with the attempts, the next
    attempt and the partner's last error: "where is my pillow?") and their most
    recent events with the local day each counted for. A user id that is not found lists the users whose
    id starts with it.

      --events N       how many recent events to show (default 10)
      --today DATE     judge progress as of this local day (default: today in the user's zone)
    \(OutputFormat.optionHelp)   (jsonl/csv: one row per reward standing)
    \(StoreAccess.optionHelp)

    Exit status: 0 found; 66 no such user (or no database); 64 bad usage.

    Example:
      incentives user ana --db demo.sqlite

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        guard args.positionals.count == 1, let id = args.positionals.first else {
            throw Arguments.UsageError(message: args.positionals.isEmpty ? "which user? (incentives user USER)" : "one user at a time")
        }
        let format = try OutputFormat.from(args)
        let recent = try args.int("events", default: 10, range: 0...10_000)
        var today: LocalDate?
        if let t = args.value("today") {
            guard let d = LocalDate(iso: t) else { throw Arguments.UsageError(message: "--today must be a date YYYY-MM-DD, got \(t)") }
            today = d
        }
        let reader = try StoreAccess.reader(args)
        let out = Output.stdout
        guard let profile = try StoreAccess.mapping({ try reader.profile(of: id, today: today, recentEvents: recent) }) else {
            let similar = try StoreAccess.mapping { try NearestUsers.find(id, all: { try reader.members() }, prefix: { try reader.users(prefix: $0, limit: 10) }) }
            if similar.isEmpty { throw CommandFailure(.noInput, "no user \(JSONText.quote(id)) on the roster") }
            printError("incentives user: no user \(JSONText.quote(id)) on the roster; the nearest ids:")
            for u in similar { printError("  \(u.id)  \(u.employer ?? "-")  \(u.timezone)") }
            return .noInput
        }
        switch format {
        case .table:
            let deliveries = try StoreAccess.mapping { try (reader as? any UserDeliveryReading)?.deliveries(ofUser: id) ?? [] }
            printProfile(profile, deliveries: deliveries, to: out)
        case .jsonl, .csv:
            var t = Table(["user", "employer", "program", "incentive", "kind", "reward", "limit", "awards", "done", "needed", "lastDay", "summary"],
                          numeric: ["limit", "awards", "done", "needed"])
            for s in profile.standings {
                t.add([profile.member.id, s.employer, s.program, s.incentive, s.kind, s.reward, String(s.limit), String(s.awards),
                       s.done.map(String.init), String(s.needed), s.lastDay?.iso, s.summary])
            }
            t.write(format, to: out)
        }
        out.flush()
        return .ok
    }

    static func printProfile(_ p: UserProfile, deliveries: [AchievementDelivery] = [], to out: Output) {
        let u = p.member
        out.line("User       \(u.id)")
        out.line("Employer   \(u.employer.map { "\($0) (\(p.employerName ?? $0))" } ?? "none: events are accepted and never earn")")
        out.line("Time zone  \(u.timezone)")
        out.line("Eligible   \(u.eligibleFrom.iso) .. \(u.eligibleUntil?.iso ?? "open-ended")  (\(p.eligibleToday ? "eligible" : "not eligible") on \(p.today.iso), the user's today)")
        if !u.partnerMemberIDs.isEmpty {
            out.line("Partners   " + u.partnerMemberIDs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        out.line("Events     \(p.eventCount) accepted")
        out.line("")
        if p.standings.isEmpty {
            out.line("Progress   no programs apply")
        } else {
            out.line("Progress")
            var t = Table(["program", "incentive", "reward", "standing"])
            for s in p.standings { t.add([s.program, s.incentive, s.reward, s.summary]) }
            t.write(.table, to: out)
        }
        if !p.points.isEmpty {
            out.line("")
            out.line("Points")
            var t = Table(["program", "points", "tiers reached", "next"], numeric: ["points"])
            for r in p.points {
                t.add([r.program, String(r.total), r.reached.isEmpty ? "none" : r.reached.joined(separator: ", "), r.text])
            }
            t.write(.table, to: out)
        }
        out.line("")
        if p.achievements.isEmpty {
            out.line("Achievements  none yet")
        } else {
            out.line("Achievements")
            var t = Table(["completed", "program", "incentive", "reward", "achieved at", "id"])
            for r in p.achievements {
                let a = r.achievement
                t.add([a.completedOn.iso, a.program, a.tier.map { "tier " + $0 } ?? a.incentive, a.reward, a.achievedAt.rfc3339, a.id])
            }
            t.write(.table, to: out)
        }
        if !deliveries.isEmpty {
            out.line("")
            out.line("Deliveries (where each award is)")
            let rewards = Dictionary(p.achievements.map { ($0.achievement.id, $0.achievement.reward) }, uniquingKeysWith: { a, _ in a })
            var t = Table(["reward", "partner", "state", "attempts", "next attempt / sent", "last error", "id"], numeric: ["attempts"])
            for d in deliveries {
                let when = d.deliveredAt.map(AchievementDelivery.instantText) ?? d.nextAttemptAt.map(AchievementDelivery.instantText) ?? ""
                t.add([rewards[d.achievementID] ?? "?", d.partner, d.state, String(d.attempts), when, d.lastError ?? "", d.deliveryID])
            }
            t.write(.table, to: out)
        }
        out.line("")
        if p.recentEvents.isEmpty {
            out.line("Recent events  none")
        } else {
            out.line("Recent events (latest arrivals first)")
            var t = Table(["local day", "at (UTC)", "type", "category", "id", "from"])
            for e in p.recentEvents {
                t.add([e.localDay.map { "\(DayFormat.short($0)) \(DayFormat.year($0))" } ?? "-",
                       e.at.rfc3339, e.event.type.rawValue, e.event.category ?? "", e.id, e.file.map { "\($0):\(e.line)" } ?? ""])
            }
            t.write(.table, to: out)
        }
    }
}
