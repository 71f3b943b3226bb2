import Foundation
import Testing
@testable import IncentivesStore
@testable import IncentivesPostgres

/// A PostgreSQL URL's password never reaches a message, however it is written (issue 21): found the way libpq reads
/// the URL — credentials up to the first `@`, parameters split at `&`, `%`-escapes decoded, libpq's `key=value` form —
/// and masked wider where a raw reserved character makes libpq refuse the URL and quote a piece of it.
@Suite("PostgreSQL URLs: the password is masked however it is written")
struct PostgresURLRedactionTests {
    /// Every reserved character of RFC 3986, `%`, space, a quote and a backslash.
    static let reserved: [String] = [":", "/", "?", "#", "[", "]", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "%", " ", "\"", "\\"]

    static func password(_ c: String) -> String { "Sec\(c)ret-42" }

    /// Neither half of the password is shown.
    func expectHidden(_ shown: String, _ c: String, _ form: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!shown.contains("Sec") && !shown.contains("ret-42"), "\(form) with \(c): \(shown)", sourceLocation: sourceLocation)
    }

    static func percentEncoded(_ s: String) -> String {
        s.utf8.map { b in
            let c = Character(UnicodeScalar(b))
            return c.isLetter || c.isNumber || c == "-" ? String(c) : String(format: "%%%02X", b)
        }.joined()
    }

    @Test(arguments: reserved)
    func inTheCredentials(c: String) {
        let pw = Self.password(c)
        for url in ["postgresql://bob:\(pw)@/inc?host=/tmp/sock", "postgresql://bob:\(pw)@db.example:5432/inc",
                    "postgres://bob:\(Self.percentEncoded(pw))@db.example/inc?sslmode=require"] {
            let shown = PGURL.redacted(url)
            expectHidden(shown, c, url)
            #expect(shown.hasPrefix("postgres") && shown.contains("bob:*****@"), "\(url): \(shown)")
        }
    }

    @Test(arguments: reserved)
    func inAPasswordParameter(c: String) {
        let pw = Self.password(c)
        for url in ["postgresql:///inc?host=/tmp/sock&password=\(pw)&sslmode=disable",
                    "postgresql:///inc?password=\(pw)", "postgresql:///inc?%70assword=\(Self.percentEncoded(pw))&user=bob",
                    "postgresql:///inc?host=/tmp&sslpassword=\(pw)"] {
            let shown = PGURL.redacted(url)
            expectHidden(shown, c, url)
            #expect(shown.contains("assword=*****"), "\(url): \(shown)")
        }
        // What follows the password is still shown when libpq reads it as a parameter of its own.
        #expect(PGURL.redacted("postgresql:///inc?password=x&sslmode=disable") == "postgresql:///inc?password=*****&sslmode=disable")
    }

    @Test(arguments: reserved)
    func inLibpqKeywordValueForm(c: String) {
        let pw = Self.password(c)
        let quoted = "'" + pw.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        let text = "host=/tmp/sock password = \(quoted) dbname=inc"
        #expect(PGURL.isPostgres(text))
        let shown = PGURL.redacted(text)
        expectHidden(shown, c, text)
        #expect(shown.hasPrefix("host=/tmp/sock password = *****") && shown.hasSuffix(" dbname=inc"), "\(shown)")
    }

    @Test func aPlainURLIsShownAsItIs() {
        for url in ["postgresql:///inc?host=/tmp/sock&user=postgres", "postgresql://bob@db.example:5432/inc?sslmode=require"] {
            #expect(PGURL.redacted(url) == url)
        }
        #expect(PGURL.redacted("postgresql://bob:pw@h/db") == "postgresql://bob:*****@h/db")
        #expect(!PGURL.isPostgres("/var/lib/incentives.sqlite") && !PGURL.isPostgres("hostile=1"))
    }

    /// Through the commands, on the private server (which trusts this login, so libpq's accepting the URL is what counts):
    /// `init` prints the URL, and a refused or unreachable URL names it in its error.
    @Test(arguments: ["?", "/", "&", "@", "#", "%25"])
    func throughTheCommands(c: String) throws {
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let db = PostgresServer.name(of: try server.database())
        let catalog = Binary.packageRoot + "/Assets/demo/catalog.json", roster = Binary.packageRoot + "/Assets/demo/roster.jsonl"
        let pw = Self.password(c)
        for url in ["postgresql://postgres:\(pw)@/\(db)?host=\(server.dir)", "postgresql:///\(db)?host=\(server.dir)&user=postgres&password=\(pw)",
                    "postgresql://postgres:\(pw)@/\(db)?host=/nonexistent-incentives-socket",
                    "host=\(server.dir) dbname=\(db) user=postgres password='\(pw)'"] {
            let r = try runProcess(binary, ["init", "--db", url, "--catalog", catalog, "--roster", roster])
            expectHidden(r.stdout + r.stderr, c, url)
            #expect(r.status == 0 || r.status == 64 || r.status == 69, "\(url): \(r.status) \(r.stderr)")
            // What libpq reads as meant (a quoted key=value password, a '?' in the credentials) logs in and prints the URL.
            if url.hasPrefix("host=") || (c == "?" && url.contains("@/\(db)?host=\(server.dir)")) {
                #expect(r.status == 0 && r.stdout.contains("*****"), "\(url): \(r.status) \(r.stdout) \(r.stderr)")
            }
        }
    }
}
