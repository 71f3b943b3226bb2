#if canImport(Glibc)
import Glibc
#endif
import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore

/// `incentives bench store`, part 4 (issue 25): every kind of employer report on the benchmark database — participation
/// by month and by week, the funnel, a month's billing — for every employer, `rounds` times over, each on a reader
/// opened for it as the command opens one; and the console's Reports screen's first frame (open the data, build the
/// screen's state on the employer, render 80×24). Median, p99 and max per kind; the target is 1 s (reports) and
/// 200 ms (the frame).
struct ReportTimes {
    var kinds: [(name: String, samples: [Double], cpu: [Double])] = []
    var employers = 0
    var largest = (id: "", users: 0)
    var rounds = 0

    static func measure(db: String, rounds: Int, consoleData: (String) throws -> any ConsoleData) throws -> ReportTimes {
        var t = ReportTimes()
        t.rounds = rounds
        let probe = try StoreReader(path: db)
        let catalog = probe.catalog
        t.employers = catalog.employers.count
        for e in catalog.employers {
            let users = try probe.members(employer: e.id).count
            if users > t.largest.users { t.largest = (e.id, users) }
        }
        // The month billing asks for: the one holding the latest award.
        let last = try probe.achievements(AchievementQuery(descending: true, limit: 1)).first?.achievement.completedOn
        let month = ReportGrouping.month.period(of: last ?? LocalDate(year: 2026, month: 1, day: 1)!)
        let kinds: [(String, (StoreReader, Employer) throws -> Void)] = [
            ("participation by month", { r, e in _ = try r.participation(employer: e, program: nil, by: .month, from: nil, to: nil) }),
            ("participation by week", { r, e in _ = try r.participation(employer: e, program: nil, by: .week, from: nil, to: nil) }),
            ("funnel", { r, e in _ = try r.funnel(employer: e, program: nil, asOf: nil) }),
            ("billing of \(month.name)", { r, e in _ = try r.billing(employer: e, program: nil, first: month.first, last: month.last) }),
        ]
        for (name, run) in kinds {
            var samples: [Double] = [], cpu: [Double] = []
            for _ in 0..<rounds {
                for e in catalog.employers {
                    let (start, cpuStart) = (DispatchTime.now().uptimeNanoseconds, Self.cpuSeconds())
                    let reader = try StoreReader(path: db)
                    try run(reader, e)
                    samples.append(Self.seconds(since: start))
                    cpu.append(Self.cpuSeconds() - cpuStart)
                }
            }
            t.kinds.append((name, samples, cpu))
        }
        var frames: [Double] = [], frameCPU: [Double] = []
        for _ in 0..<rounds {
            for e in catalog.employers {
                let (start, cpuStart) = (DispatchTime.now().uptimeNanoseconds, Self.cpuSeconds())
                let data = try consoleData(db)
                // Live loads nothing on entering: the time is the Reports screen's own.
                var state = AppState(data: data, clock: .system, screen: .live)
                state.showReports(employer: e.id, program: e.programs.first?.id)
                _ = AppView.render(state, width: 80, height: 24, glyphs: .unicode)
                frames.append(Self.seconds(since: start))
                frameCPU.append(Self.cpuSeconds() - cpuStart)
            }
        }
        t.kinds.append(("Reports screen, first frame", frames, frameCPU))
        return t
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// This process's CPU time, user and system: on a shared machine the wall time says as much about the neighbours.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    func report(_ label: String) -> String {
        var lines = ["\(label) employer reports: \(employers) employers × \(rounds) rounds each (the largest, \(largest.id), \(largest.users) users)"]
        for (name, samples, cpu) in kinds {
            let sorted = samples.sorted(), cpuSorted = cpu.sorted()
            let p99 = StoreBench.percentile(sorted, 0.99)
            let target = name.hasPrefix("Reports screen") ? 0.2 : 1.0
            lines.append(String(format: "    %@ median %7.1f ms  p99 %7.1f ms  max %7.1f ms  (target < %.0f ms: %@); CPU median %.1f ms, p99 %.1f ms",
                                name.padding(toLength: 30, withPad: " ", startingAt: 0) as NSString, sorted[sorted.count / 2] * 1000, p99 * 1000, sorted.last! * 1000, target * 1000,
                                (p99 < target ? "met" : "NOT met") as NSString, cpuSorted[cpuSorted.count / 2] * 1000, StoreBench.percentile(cpuSorted, 0.99) * 1000))
        }
        return lines.joined(separator: "\n")
    }
}
