import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `demo-feed --to nats://…`: the demo fed through a stream (the publish side) while an ingest follows it, so that
/// the database a console watches fills as the feed goes, not at its end.
@Suite("demo-feed through a NATS JetStream stream", .timeLimit(.minutes(10)))
struct DemoFeedStreamTests {
    let demo = Binary.packageRoot + "/Assets/demo"

    @Test("demo-feed --to publishes at its rate; an ingest following the stream stores the events as they come, awards included")
    func feedThroughTheStream() throws {
        let server = try NATSServer()
        let dir = TempDir()
        let db = dir.path("live.sqlite")
        let initRun = try Binary.run(["init", "--db", db, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"])
        #expect(initRun.status == 0, "\(initRun.stderr)")
        let lines = try String(contentsOfFile: demo + "/events.jsonl", encoding: .utf8).split(separator: "\n").prefix(1_500)
        let events = dir.write("events.jsonl", lines.joined(separator: "\n") + "\nnot json\n")
        let url = server.url("DEMO")
        // The stream first (publish makes it), then the ingest following it, then the feed.
        #expect(try Binary.run(["publish", "--to", url, "--events", "/dev/null"]).status == 0)
        let ingest = try StreamIngestTests.Running(["ingest", "--db", db, "--events", url], in: dir)
        defer { if ingest.process.isRunning { ingest.kill9() } }

        let feedOut = Pipe()
        let feed = try Binary.launch(["demo-feed", "--to", url, "--db", db, "--events", events, "--rate", "600"], stdout: feedOut)
        // While the feed runs, the database the console reads grows, step by step.
        var seen: [Int] = []
        while feed.isRunning {
            let n = Int(StreamIngestTests.sqlite(db, "SELECT count(*) FROM events")) ?? 0
            if n > 0 && seen.last != n { seen.append(n) }
            usleep(100_000)
        }
        feed.waitUntilExit()
        let out = String(decoding: feedOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(feed.terminationStatus == 0, "\(out)")
        #expect(out.contains("feeding 1501 events from \(events) into \(url), 600 a second"), "\(out)")
        // The demo sends some lines twice as they were: the server drops those (same Nats-Msg-Id), said in the summary.
        let summary = try #require(out.firstMatch(of: #/fed all 1501 events to (\S+) \(subject incentives.events\), up to seq ([0-9]+); ([0-9]+) dropped by the server/#), "\(out)")
        #expect(String(summary.1) == url)
        let lastSeq = try #require(Int(summary.2)), dropped = try #require(Int(summary.3))
        #expect(lastSeq + dropped == 1_501, "\(out)")
        #expect(seen.count >= 5, "the stored events grew while the feed ran: \(seen)")

        let deadline = Date().addingTimeInterval(60)
        while StreamIngestTests.committedSequence(db) < lastSeq && Date() < deadline { usleep(20_000) }
        kill(ingest.process.processIdentifier, SIGTERM)
        #expect(ingest.wait(seconds: 10))
        #expect(ingest.stderr.contains("DEMO:seq \(lastSeq): not valid JSON"), "\(ingest.stderr.suffix(500))")
        // What the same events fed straight into a database accept and refuse, the stream's ingest does too.
        let direct = dir.path("direct.sqlite")
        #expect(try Binary.run(["init", "--db", direct, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"]).status == 0)
        let straight = try Binary.run(["demo-feed", "--db", direct, "--events", events, "--rate", "10000"])
        let fed = try #require(straight.stdout.firstMatch(of: #/fed all 1501 events: ([0-9]+) accepted, ([0-9]+) duplicates, ([0-9]+) rejected/#), "\(straight.stdout)")
        #expect(Int(fed.2) == dropped, "the repeats the server dropped are the duplicates a straight feed counts")
        #expect(ingest.stderr.contains("events: \(lastSeq) read, \(fed.1) accepted, 0 duplicates, \(fed.3) rejected"), "\(ingest.stderr.suffix(300))")
        // The feed's events, made new for the run (ids suffixed), and the awards they earn.
        #expect(StreamIngestTests.sqlite(db, "SELECT count(*) FROM events WHERE id LIKE '%~feed-%'") == String(fed.1))
        #expect(StreamIngestTests.sqlite(db, "SELECT count(*) FROM achievements") == StreamIngestTests.sqlite(direct, "SELECT count(*) FROM achievements"))
        #expect((Int(StreamIngestTests.sqlite(db, "SELECT count(*) FROM achievements")) ?? 0) > 0)
    }

    @Test("demo-feed --to: a server that cannot be reached exits 69; --reset does not go with --to (64)")
    func failures() throws {
        let dir = TempDir()
        let port = try NATSServer.freePort()
        let events = dir.write("events.jsonl", "{}\n")
        let away = try Binary.run(["demo-feed", "--to", "nats://u:pw-secret@127.0.0.1:\(port)/DEMO", "--events", events])
        #expect(away.status == 69 && away.stderr.contains("nats://127.0.0.1:\(port)/DEMO: cannot connect"), "\(away.stderr)")
        #expect(!away.stderr.contains("pw-secret") && !away.stdout.contains("pw-secret"))
        let reset = try Binary.run(["demo-feed", "--reset", "--to", "nats://127.0.0.1:\(port)/DEMO"])
        #expect(reset.status == 64, "\(reset.stderr)")
    }
}
