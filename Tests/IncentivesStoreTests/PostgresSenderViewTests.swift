import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// The sender role reads what a payload is made of and nothing more (issue 21): the view `deliverable_achievements`
/// (an award's payload columns and the member's ids at partners), not the awards' evidence, its days or the instant,
/// nor the roster.
@Suite("PostgreSQL: the sender reads the payload's columns only")
struct PostgresSenderViewTests {
    @Test func senderReadsThePayloadColumnsOnly() throws {
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let demo = Binary.packageRoot + "/Assets/demo/"
        let db = try server.database("sender")
        let name = PostgresServer.name(of: db)
        let made = try runProcess(binary, ["init", "--db", db, "--roles", name, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"])
        try #require(made.status == 0, "\(made.stderr)")
        let sender = "\(name)_sender_login"
        try #require(try server.sql(name, "CREATE ROLE \(sender) LOGIN IN ROLE \(name)_sender").status == 0)
        let ingest = try runProcess(binary, ["ingest", "--db", db, "--events", demo + "events.jsonl"])
        try #require(ingest.status == 65, "\(ingest.stderr.suffix(300))")
        for statement in ["SELECT evidence FROM achievements", "SELECT evidence_days FROM achievements", "SELECT achieved_at FROM achievements",
                          "SELECT at_s FROM achievements", "SELECT id FROM achievements", "SELECT timezone FROM members",
                          "SELECT eligible_from FROM members", "SELECT id FROM events"] {
            let r = try server.sql(name, statement, user: sender)
            #expect(r.status != 0 && r.stderr.contains("permission denied"), "\(statement): \(r.stderr)")
        }
        let columns = try server.sql(name, "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'deliverable_achievements'")
        #expect(columns.stdout == "id,seq,user_id,employer,program,reward,completed_on,partner_ids,tier\n")
        let rows = try server.sql(name, "SELECT count(*) FROM deliverable_achievements", user: sender)
        #expect(rows.status == 0 && rows.stdout != "0\n", "\(rows.stderr)")
        // And the sender still sends: an export as the sender writes its file and marks its rows.
        let drop = TempDir(prefix: "pg-sender-drop")
        var env = ProcessInfo.processInfo.environment
        env["GIFTLY_SECRET"] = "giftly-secret-0123456789abcdef"
        let exported = try runProcess(binary, ["export", "--db", server.url(name, user: sender), "--partner", "giftly", "--out", drop.path("giftly")],
                                      environment: env)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try server.sql(name, "SELECT count(*) FROM deliveries WHERE partner = 'giftly' AND status <> 'delivered'").stdout == "0\n")
    }
}
