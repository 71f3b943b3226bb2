import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Every child a test spawns is bounded (issue 26, item 6): past its time it is killed and the test fails with
/// what it printed, instead of the whole run waiting on it.
@Suite("spawned children are bounded", .timeLimit(.minutes(1)))
struct ChildTimeoutTests {
    @Test("runProcess kills a child that outruns its bound and throws with its output")
    func runProcessKillsAndReports() throws {
        let start = Date()
        do {
            _ = try runProcess("/bin/sh", ["-c", "echo started; echo on-stderr >&2; exec sleep 60"], timeout: 1)
            Issue.record("a child sleeping 60 s came back within a 1 s bound")
        } catch let e as ProcessTimedOut {
            #expect(e.stdout == "started\n")
            #expect(e.stderr == "on-stderr\n")
            #expect("\(e)".contains("still ran after 1 s and was killed"), "\(e)")
        }
        #expect(Date().timeIntervalSince(start) < 30, "killed at its bound, not at the child's end")
    }

    @Test("a posix_spawned child (PeakMemory, the PostgreSQL helper) is bounded the same way")
    func spawnedChildIsBounded() throws {
        #expect(throws: ProcessTimedOut.self) { _ = try PeakMemory.run("/bin/sleep", ["60"], timeout: 1) }
        #expect(try PeakMemory.run("/bin/sh", ["-c", "exit 3"], timeout: 30).status == 3)
    }

    @Test("Binary.launch's watchdog kills a child still running at its bound")
    func launchedChildIsKilled() throws {
        // `replay --events -` waits for standard input, which stays open: it would run for ever.
        let input = Pipe()
        let child = try Binary.launch(["replay", "--catalog", Binary.packageRoot + "/Assets/demo/catalog.json",
                                       "--roster", Binary.packageRoot + "/Assets/demo/roster.jsonl", "--events", "-"],
                                      stdin: input, timeout: 1)
        #expect(waitUntil(timeout: 30) { !child.isRunning }, "the watchdog killed it")
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)
        try input.fileHandleForWriting.close()
    }
}
