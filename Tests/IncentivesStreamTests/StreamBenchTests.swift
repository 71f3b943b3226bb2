import Foundation
import Testing
import TestSupport

/// `incentives bench stream` at a tiny size: it runs end to end (its own nats-server, publish, both ingests, the
/// trickle) and reports each figure, the trickle's p99 against the 250 ms goal.
@Suite("bench stream", .timeLimit(.minutes(10)))
struct StreamBenchTests {
    @Test("bench stream --events N reports publish cost, stream and file ingests side by side, and the trickle's p50/p99")
    func benchStreamReportsItsFigures() throws {
        _ = try NATSServer() // fails, saying to run .ci/deps, when nats-server is missing (the bench needs it too)
        let dir = TempDir()
        let r = try Binary.run(["bench", "stream", "--users", "40", "--days", "20", "--events", "300", "--runs", "1",
                                "--trickle", "20", "--dir", dir.path("bench")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("load: 300 lines"), "\(r.stdout)")
        #expect(r.stdout.contains(#/\(1\) publish, one message each.*cost per event p50 [0-9]+ µs, p99 [0-9]+ µs/#), "\(r.stdout)")
        #expect(r.stdout.contains(#/\(2\) ingest from the file: +[0-9.]+ s/#), "\(r.stdout)")
        #expect(r.stdout.contains(#/ingest from the stream: +[0-9.]+ s .* ×[0-9.]+ the file \(goal ≤ 1.3: (met|missed)\)/#), "\(r.stdout)")
        let trickle = try #require(r.stdout.firstMatch(of: #/\(3\) trickle, 20 events one every 50 ms: publication→commit p50 ([0-9]+) ms, p99 ([0-9]+) ms, max [0-9]+ ms \(goal p99 ≤ 250 ms: (met|missed)\)/#),
                                   "\(r.stdout)")
        let p50 = try #require(Int(trickle.1)), p99 = try #require(Int(trickle.2))
        // The batch flushes 50 ms after its first message: the median is near that even in a debug build on a loaded
        // machine (the goal is for p99, measured by the release build in README; a run of 20 is too short to hold a
        // loaded test machine to it).
        #expect(p50 >= 1 && p50 <= 250, "\(r.stdout)")
        #expect(p99 >= p50 && (p99 <= 250) == (trickle.3 == "met"), "\(r.stdout)")
    }
}
