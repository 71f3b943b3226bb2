import Foundation
import IncentivesCore
@testable import IncentivesDelivery
import XCTest

final class BatchExportTests: XCTestCase {
    let rows = (1...4).map { n in
        ExportRow(deliveryID: "ach-\(n):dropco",
                  achievement: DeliverableAchievement(id: "ach-\(n)", user: "u-\(n)", employer: "acme", program: "acme-2026",
                                                      reward: n == 2 ? "Gift card, \"gold\"" : "Pregnancy pillow",
                                                      completedOn: LocalDate(iso: "2026-04-0\(n)")!))
    }

    /// Batch files carry member ids and rewards: 0600 like the database, whatever the umask; and a name made
    /// from an unchecked id never leaves the directory.
    func testFilesArePrivateAndStayInTheirDirectory() throws {
        let temp = TempDir(prefix: "drops")
        let dir = temp.path("drops")  // made by the export
        let old = umask(0o022)
        defer { umask(old) }
        let e = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: .csv, since: nil, until: nil)
        try e.write(to: dir)
        for name in [e.dataFileName, e.manifestFileName] {
            let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600, name)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), [e.dataFileName, e.manifestFileName].sorted(),
                       "no temporary file is left")
        // A link planted at the temporary name is replaced, never written through.
        let outside = dir + "-outside.txt"
        FileManager.default.createFile(atPath: outside, contents: Data("keep".utf8))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        XCTAssertEqual(symlink(outside, dir + "/." + e.dataFileName + ".tmp-\(getpid())"), 0)
        try e.write(to: dir)
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), "keep")
        let escaping = BatchExport(partner: "../escaped", secret: Fixtures.secret, rows: rows, format: .csv, since: nil, until: nil)
        XCTAssertThrowsError(try escaping.write(to: dir + "/inner"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/escaped_start_end.csv"))
    }

    func testTheSameRangeAlwaysGivesTheSameBytes() {
        for format in BatchFormat.allCases {
            let a = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: format, since: LocalDate(iso: "2026-04-01"), until: nil)
            let b = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: format, since: LocalDate(iso: "2026-04-01"), until: nil)
            XCTAssertEqual(a.data, b.data)
            XCTAssertEqual(a.manifest, b.manifest)
            XCTAssertEqual(a.dataFileName, "dropco_2026-04-01_end.\(format.rawValue)")
        }
    }

    func testManifestCountsHashesAndSignsTheFile() throws {
        let e = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: .jsonl, since: nil, until: LocalDate(iso: "2026-04-30"))
        let m = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(e.manifest)) as? [String: Any])
        XCTAssertEqual(m["count"] as? Int, 4)
        XCTAssertEqual(m["file"] as? String, "dropco_start_2026-04-30.jsonl")
        XCTAssertEqual(m["until"] as? String, "2026-04-30")
        XCTAssertTrue(m["since"] is NSNull)
        XCTAssertEqual(m["sha256"] as? String, Crypto.hex(Crypto.sha256(e.data)))
        XCTAssertEqual(m["hmac"] as? String, "sha256=" + Crypto.hex(Crypto.hmacSHA256(key: Fixtures.secret.bytes, message: e.data)))
        let lines = String(decoding: e.data, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        for line in lines { XCTAssertNotNil(Fixtures.minimised(Array(line.utf8)), String(line)) }
        XCTAssertEqual(e.deliveryIDs, rows.map(\.deliveryID))
    }

    func testCSVQuotesWhatNeedsQuoting() {
        let e = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: .csv, since: nil, until: nil)
        let lines = String(decoding: e.data, as: UTF8.self).components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "achievementId,deliveryId,member,employer,program,reward,completedOn,tier")
        XCTAssertEqual(lines.count, 6, "header, four rows, and the empty string after the final CRLF")
        XCTAssertTrue(lines[2].hasSuffix(",acme,acme-2026,\"Gift card, \"\"gold\"\"\",2026-04-02,"), lines[2])
        XCTAssertFalse(lines.joined().contains("u-"), "no internal user ids in a batch file")
    }

    func testWriteIsAtomicAndLeavesNoTemporaryFiles() throws {
        let temp = TempDir(prefix: "export")
        let dir = temp.path("export")  // made by the export
        let e = BatchExport(partner: "dropco", secret: Fixtures.secret, rows: rows, format: .csv, since: nil, until: nil)
        try e.write(to: dir)
        try e.write(to: dir)  // again: replaced, not appended
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(),
                       ["dropco_start_end.csv", "dropco_start_end.manifest.json"])
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/dropco_start_end.csv"), Data(e.data))
    }

    func testQueueExportsARangeInRecordingOrder() throws {
        let q = InMemoryDeliveryQueue()
        let drop = Partner(id: "dropco", name: "Drop", employers: ["acme"], rewards: nil, channel: .fileDrop(directory: "/tmp/x"), secretEnv: "D")
        for r in rows.reversed() { q.enqueue(r.achievement, partners: [drop], at: 0) }
        let got = try q.exportRows(partner: "dropco", since: LocalDate(iso: "2026-04-02"), until: LocalDate(iso: "2026-04-03"))
        XCTAssertEqual(got.map(\.deliveryID), ["ach-3:dropco", "ach-2:dropco"])
    }
}
