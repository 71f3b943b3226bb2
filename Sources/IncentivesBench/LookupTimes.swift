import Foundation
import IncentivesCore

/// The look-ups support staff make, timed on any store (`StoreReading`): a user's profile (what `incentives
/// user` and the console's user page show) for random users, and a page of 50 achievements with random filters
/// (a deep page, an employer's newest, a user's, those completed since a day). Both stores are measured by the
/// same loop, so their figures compare.
struct LookupTimes {
    var profile: [Double] = []
    var page: [Double] = []
    var achievements = 0

    static func measure(_ reader: any StoreReading, users: [String], lookups: Int, rng: inout SplitMix64) throws -> LookupTimes {
        var t = LookupTimes()
        for _ in 0..<lookups {
            let user = users[Int(rng.next() % UInt64(users.count))]
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try reader.profile(of: user)
            t.profile.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        let employers = reader.catalog.employers.map(\.id)
        t.achievements = try reader.achievementCount(AchievementQuery())
        // Deep pages start after a stored award's number (dense on SQLite, the earning event's room on PostgreSQL).
        let seqs = try reader.achievements(AchievementQuery()).map(\.seq)
        for i in 0..<lookups {
            var q = AchievementQuery(limit: 50)
            switch i % 4 {
            case 0: q.afterSeq = seqs.isEmpty ? 0 : seqs[Int(rng.next() % UInt64(seqs.count))] // a deep page, as the console pages
            case 1: q.employer = employers[Int(rng.next() % UInt64(employers.count))]; q.order = .newest
            case 2: q.user = users[Int(rng.next() % UInt64(users.count))]
            default: q.since = LocalDate(year: 2026, month: 1 + Int(rng.next() % 9), day: 1); q.order = .newest
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try reader.achievements(q)
            t.page.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return t
    }

    /// Two lines: the profile's and the page's median and p99, against their targets.
    func report(_ label: String) -> String {
        String(format: "%@ user profile (%d random users): median %.2f ms, p99 %.2f ms  (target < 5 ms)\n", label, profile.count,
               StoreBench.percentile(profile, 0.5), StoreBench.percentile(profile, 0.99))
            + String(format: "%@ page of 50 achievements (random filters, %d achievements): median %.2f ms, p99 %.2f ms  (target < 10 ms)",
                     label, achievements, StoreBench.percentile(page, 0.5), StoreBench.percentile(page, 0.99))
    }
}
