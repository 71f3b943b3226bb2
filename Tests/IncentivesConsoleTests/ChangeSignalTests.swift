import Foundation
import Testing
import IncentivesConsole
import IncentivesCore
import IncentivesStore

/// The console's data asks its store's `ChangeSignal` "anything new?" between looks at `changes` (PostgreSQL's
/// NOTIFY), and without one waits the whole interval and says yes (SQLite: polling).
@Suite("console change signal", .timeLimit(.minutes(10)))
struct ChangeSignalTests {
    final class ScriptedSignal: ChangeSignal {
        var answers: [Bool]
        var waits: [Double] = []
        init(_ answers: [Bool]) { self.answers = answers }
        func anythingNew(waitingUpTo seconds: Double) -> Bool {
            waits.append(seconds)
            return answers.isEmpty ? false : answers.removeFirst()
        }
    }

    static func database() throws -> (TempDir, String) {
        let dir = TempDir(prefix: "change-signal")
        let db = dir.path("i.sqlite")
        let f = Fixture.directory
        for args in [["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"]] {
            let r = try Binary.run(args)
            try #require(r.status == 0, "\(r.stderr)")
        }
        return (dir, db)
    }

    @Test("with a signal, the live thread's wait is the signal's answer, asked with the interval")
    func signalAnswers() throws {
        let (dir, db) = try Self.database()
        defer { _ = dir }
        let signal = ScriptedSignal([false, true, false])
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db), signal: signal)
        #expect(data.waitForChanges(upTo: 0.25) == false)
        #expect(data.waitForChanges(upTo: 0.25) == true)
        #expect(data.waitForChanges(upTo: 0) == false)
        #expect(signal.waits == [0.25, 0.25, 0])
    }

    @Test("without a signal, the wait is a timer and the answer always yes")
    func withoutSignalPolls() throws {
        let (dir, db) = try Self.database()
        defer { _ = dir }
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        let start = Date()
        #expect(data.waitForChanges(upTo: 0.2))
        #expect(Date().timeIntervalSince(start) >= 0.19)
    }
}
