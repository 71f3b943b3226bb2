import Foundation
import IncentivesCore
import Testing

/// Every kind in `RuleKinds.all`, through the requirements the rest of the system relies on: it describes
/// itself, refuses bad parameters at their JSON key, evaluates, and its saved progress restores to a
/// state that makes the same decisions as the original.
@Suite("Every rule kind describes, validates, evaluates, saves and restores itself")
struct RuleKindsTests {
    @Test(arguments: RuleKinds.all.map { $0.kind })
    func kindKeepsItsPromises(_ kind: String) throws {
        let type = try #require(RuleKinds.type(named: kind))
        try check(type)
    }

    @Test func kindsAreUnique() {
        #expect(Set(RuleKinds.all.map { $0.kind }).count == RuleKinds.all.count)
    }

    private func check<R: IncentiveRule>(_: R.Type) throws {
        #expect(!R.examples.isEmpty, "\(R.kind) gives examples")
        for rule in R.examples {
            #expect(!rule.summary.isEmpty)
            #expect(!rule.describe(rule.freshStatus(today: date("2026-03-04"))).isEmpty)
            #expect(throws: Never.self) { try rule.validate() }

            // The catalog's form of its parameters decodes back to the same rule.
            let decoded = try decode(R.self, rule.parameters)
            #expect(decoded.parameters == rule.parameters)
            #expect(decoded.summary == rule.summary)

            // A bad value for any parameter is refused at that parameter's key.
            for (i, p) in rule.parameters.enumerated() {
                let bad: [RuleParameter.Value]
                switch p.value {
                case .integer: bad = [.integer(0), .integer(-1), .integer(100_000)]
                case .text: bad = [.text("fortnight"), .text("")]
                }
                for value in bad {
                    var params = rule.parameters
                    params[i] = RuleParameter(p.name, value)
                    do {
                        _ = try decode(R.self, params)
                        Issue.record("\(R.kind) accepted \(params)")
                    } catch DecodingError.dataCorrupted(let context) {
                        #expect(context.codingPath.map(\.stringValue) == [p.name], "\(R.kind) \(params): \(context.debugDescription)")
                        #expect(!context.debugDescription.isEmpty)
                    }
                }
            }

            // The days the simulator plays earn, from no progress.
            let start = date("2026-01-30")
            let fresh = rule.makeProgress(span: date("2026-01-01")...date("2026-12-31"))
            let earned = rule.daysThatEarn(from: start).enumerated().map { i, d in fresh.record(QualifyingEvent(id: "p\(i)", day: d)) }
            #expect(earned.last.flatMap { $0 } != nil, "\(R.kind) \(rule.parameters): the played days earn")
            #expect(rule.daysThatEarn(from: start).allSatisfy { $0 >= start })

            try checkSaveAndRestore(rule)
        }
    }

    /// Saves after each of several prefixes of one event stream, restores, and feeds the rest to the
    /// original and the restored progress: every decision, status and calendar must agree.
    private func checkSaveAndRestore<R: IncentiveRule>(_ rule: R) throws {
        let span = date("2026-01-01")...date("2027-03-31")
        let events = Self.stream(over: span)
        var awards = 0
        for cut in [0, 1, 37, events.count / 2, events.count - 1] {
            let original = rule.makeProgress(span: span)
            for e in events[..<cut] { _ = original.record(e) }
            var w = ByteWriter()
            original.encode(into: &w)
            var r = ByteReader(w.bytes)
            let restored = try rule.decodeProgress(span: span, from: &r)
            #expect(r.isAtEnd, "\(R.kind): the whole blob is read")
            #expect(restored.countedDays == original.countedDays)
            #expect(restored.usedDays == original.usedDays)
            for e in events[cut...] {
                let a = original.record(e), b = restored.record(e)
                #expect(a == b, "\(R.kind) \(rule.parameters): after restoring at \(cut), event \(e.id) decided differently")
                if a != nil { awards += 1 }
                #expect(original.status(today: e.day) == restored.status(today: e.day))
            }
            #expect(restored.countedDays == original.countedDays)
            #expect(restored.usedDays == original.usedDays)

            // Every strict prefix of the blob is refused, never trapped on.
            for n in 0..<w.bytes.count {
                var short = ByteReader(Array(w.bytes[..<n]))
                #expect(throws: (any Error).self) { _ = try rule.decodeProgress(span: span, from: &short) }
            }
        }
        #expect(awards > 0, "\(R.kind) \(rule.parameters): the stream earns something")
    }

    /// Every day of the span, mostly in order: some arrive up to three weeks late, some twice.
    static func stream(over span: ClosedRange<LocalDate>) -> [QualifyingEvent] {
        var rng: UInt64 = 7
        func next(_ n: Int) -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int((rng >> 33) % UInt64(n))
        }
        var days = (0...span.upperBound.days(since: span.lowerBound)).map { span.lowerBound.adding(days: $0) }
        for i in days.indices where next(8) == 0 { days.swapAt(i, min(days.count - 1, i + next(21))) }
        var out: [QualifyingEvent] = []
        for day in days {
            out.append(QualifyingEvent(id: "e\(out.count)", day: day))
            if next(5) == 0 { out.append(QualifyingEvent(id: "e\(out.count)", day: day)) }
        }
        return out
    }

    private func decode<R: IncentiveRule>(_: R.Type, _ params: [RuleParameter]) throws -> R {
        let fields = params.map { p -> String in
            switch p.value {
            case .integer(let n): return "\"\(p.name)\": \(n)"
            case .text(let s): return "\"\(p.name)\": \(JSONText.quote(s))"
            }
        }
        return try JSONDecoder().decode(R.self, from: Data(("{" + fields.joined(separator: ", ") + "}").utf8))
    }
}
