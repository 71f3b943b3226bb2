import Foundation
import Testing
import TestSupport

/// The server named by `$NATS_URL` (`nats:STREAM`, `nats:`, `publish` without `--to`), logins (user and password,
/// token) that are never printed, and TLS (`tls://`, the CA by `--ca` or `$NATS_CA`), each against a private
/// `nats-server` that requires them.
@Suite("NATS: $NATS_URL, logins and TLS")
struct StreamLoginAndTLSTests {
    static let user = "alice-login"
    static let password = "s3cret-pw"
    static let token = "tok3n-secret"

    static func run(_ args: [String], env: [String: String] = [:], stdin: String? = nil) throws -> ProcessOutput {
        var environment = ProcessInfo.processInfo.environment
        environment["NATS_URL"] = nil
        environment["NATS_CA"] = nil
        for (k, v) in env { environment[k] = v }
        return try Binary.run(args, stdin: stdin, environment: environment)
    }

    /// Every output of every run in `outputs` (stdout and stderr, failures included) is free of the secrets.
    static func expectNoSecret(_ outputs: [(String, ProcessOutput)], sourceLocation: SourceLocation = #_sourceLocation) {
        for (what, out) in outputs {
            for secret in [user, password, token] {
                #expect(!out.stdout.contains(secret) && !out.stderr.contains(secret), "\(what) printed \(secret): \(out.stdout)\(out.stderr)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    static func scenario() throws -> Inputs {
        try #require(StreamIngestTests.scenarios().first { $0.name == "01-five-day-streak" }).inputs
    }

    static func replay(_ inputs: Inputs) throws -> String {
        try Binary.run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events]).stdout
    }

    @Test("$NATS_URL names the server (nats:STREAM), or the server and stream (nats:, publish without --to); its login is never printed, in failures either")
    func natsURLFromTheEnvironment() throws {
        let server = try NATSServer(arguments: ["--user", Self.user, "--pass", Self.password])
        let dir = TempDir()
        let inputs = try Self.scenario()
        let db = dir.path("db.sqlite")
        try StreamIngestTests.initDB(db, inputs)
        let env = ["NATS_URL": "nats://\(Self.user):\(Self.password)@127.0.0.1:\(server.port)"]
        var outputs: [(String, ProcessOutput)] = []
        func run(_ what: String, _ args: [String], env: [String: String], stdin: String? = nil) throws -> ProcessOutput {
            let out = try Self.run(args, env: env, stdin: stdin)
            outputs.append((what, out))
            return out
        }

        // A poison message too, so that a reject line (which names the stream) is printed and stored.
        let events = try String(contentsOfFile: inputs.events, encoding: .utf8) + "not json\n"
        let published = try run("publish nats:EVENTS", ["publish", "--to", "nats:EVENTS", "--events", "-"], env: env, stdin: events)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stderr.contains("published 7 events to nats://127.0.0.1:\(server.port)/EVENTS"), "\(published.stderr)")
        let ingest = try run("ingest nats:EVENTS", ["ingest", "--db", db, "--events", "nats:EVENTS", "--idle-exit", "0.3"], env: env)
        #expect(ingest.status == 65, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("nats://127.0.0.1:\(server.port)/EVENTS:seq 7: not valid JSON"), "\(ingest.stderr)")
        #expect(try StreamIngestTests.stored(db) == Self.replay(inputs))
        let rejects = try run("rejects", ["rejects", "--db", db, "--format", "csv"], env: [:])
        #expect(rejects.stdout.contains("nats://127.0.0.1:\(server.port)/EVENTS,7,invalid-json"), "\(rejects.stdout)")
        #expect(!StreamIngestTests.sqlite(db, ".dump").contains(Self.password), "the database keeps no credentials")

        // $NATS_URL ending in /STREAM: publish without --to, ingest of nats:.
        let withStream = ["NATS_URL": env["NATS_URL"]! + "/OTHER"]
        let db2 = dir.path("db2.sqlite")
        try StreamIngestTests.initDB(db2, inputs)
        let published2 = try run("publish, no --to", ["publish", "--subject", "other.events", "--events", inputs.events], env: withStream)
        #expect(published2.status == 0 && published2.stderr.contains("/OTHER"), "\(published2.stderr)")
        let ingest2 = try run("ingest nats:", ["ingest", "--db", db2, "--events", "nats:", "--subject", "other.events", "--idle-exit", "0.3"], env: withStream)
        #expect(ingest2.status == 0, "\(ingest2.stderr)")
        #expect(try StreamIngestTests.stored(db2) == Self.replay(inputs))

        // Failures: each its status, none with the login.
        let wrongLogin = ["NATS_URL": "nats://\(Self.user):not-\(Self.password)@127.0.0.1:\(server.port)"]
        let refused = try run("wrong password", ["ingest", "--db", db, "--events", "nats:EVENTS", "--idle-exit", "0"], env: wrongLogin)
        #expect(refused.status == 77, "\(refused.stderr)")
        let refusedPublish = try run("wrong password, publish", ["publish", "--to", "nats:EVENTS", "--events", inputs.events], env: wrongLogin)
        #expect(refusedPublish.status == 77, "\(refusedPublish.stderr)")
        let noLogin = try run("no login", ["ingest", "--db", db, "--events", server.url("EVENTS"), "--idle-exit", "0"], env: [:])
        #expect(noLogin.status == 77, "\(noLogin.stderr)")
        let port = try NATSServer.freePort()
        let away = ["NATS_URL": "nats://\(Self.user):\(Self.password)@127.0.0.1:\(port)"]
        let unreachable = try run("unreachable", ["ingest", "--db", db, "--events", "nats:EVENTS", "--idle-exit", "0"], env: away)
        #expect(unreachable.status == 69, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("nats://127.0.0.1:\(port)/EVENTS: cannot connect to the NATS server"), "\(unreachable.stderr)")
        let unset = try run("unset", ["ingest", "--db", db, "--events", "nats:EVENTS", "--idle-exit", "0"], env: [:])
        #expect(unset.status == 64 && unset.stderr.contains("$NATS_URL, which is not set"), "\(unset.stderr)")
        let unsetPublish = try run("unset, publish", ["publish", "--events", inputs.events], env: [:])
        #expect(unsetPublish.status == 64 && unsetPublish.stderr.contains("$NATS_URL"), "\(unsetPublish.stderr)")
        let noStream = try run("no stream in $NATS_URL", ["ingest", "--db", db, "--events", "nats:", "--idle-exit", "0"], env: env)
        #expect(noStream.status == 64 && noStream.stderr.contains("names no stream"), "\(noStream.stderr)")
        let badPort = try run("bad port", ["publish", "--to", "nats:EVENTS", "--events", inputs.events],
                              env: ["NATS_URL": "nats://\(Self.user):\(Self.password)@127.0.0.1:99999"])
        #expect(badPort.status == 64 && badPort.stderr.contains("$NATS_URL"), "\(badPort.stderr)")
        let badName = try run("bad stream name", ["ingest", "--db", db, "--events", "nats:a.b", "--idle-exit", "0"], env: env)
        #expect(badName.status == 64, "\(badName.stderr)")
        let missing = try run("missing stream", ["ingest", "--db", db, "--events", "nats:NOSUCH", "--idle-exit", "0"], env: env)
        #expect(missing.status == 66 && missing.stderr.contains("NOSUCH: no such stream"), "\(missing.stderr)")
        #expect(outputs.count == 15)
        Self.expectNoSecret(outputs)
    }

    @Test("a token in the URL logs in; a wrong one is refused (77); neither is printed")
    func tokenLogin() throws {
        let server = try NATSServer(arguments: ["--auth", Self.token])
        let dir = TempDir()
        let inputs = try Self.scenario()
        let db = dir.path("db.sqlite")
        try StreamIngestTests.initDB(db, inputs)
        let url = server.url("TOKEN", login: Self.token)
        let published = try Self.run(["publish", "--to", url, "--events", inputs.events])
        #expect(published.status == 0, "\(published.stderr)")
        let ingest = try Self.run(["ingest", "--db", db, "--events", url, "--idle-exit", "0.3"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try StreamIngestTests.stored(db) == Self.replay(inputs))
        let wrong = try Self.run(["ingest", "--db", db, "--events", server.url("TOKEN", login: "x" + Self.token), "--idle-exit", "0"])
        #expect(wrong.status == 77, "\(wrong.stderr)")
        Self.expectNoSecret([("publish", published), ("ingest", ingest), ("wrong token", wrong)])
    }

    @Test("tls://: published and ingested over TLS with the CA from --ca or $NATS_CA; a wrong CA, a plain nats:// URL or a missing CA file is a clear failure")
    func tls() throws {
        let dir = TempDir()
        let certificates = try TestCertificates(in: dir)
        let server = try NATSServer(arguments: certificates.natsServerArguments + ["--user", Self.user, "--pass", Self.password])
        let inputs = try Self.scenario()
        let db = dir.path("db.sqlite")
        try StreamIngestTests.initDB(db, inputs)
        let login = "\(Self.user):\(Self.password)"
        let url = server.url("SECURE", scheme: "tls", login: login)
        var outputs: [(String, ProcessOutput)] = []

        let published = try Self.run(["publish", "--to", url, "--ca", certificates.caCertificate, "--events", inputs.events])
        outputs.append(("publish", published))
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stderr.contains("published 6 events to tls://127.0.0.1:\(server.port)/SECURE"), "\(published.stderr)")
        let ingest = try Self.run(["ingest", "--db", db, "--events", url, "--idle-exit", "0.3"], env: ["NATS_CA": certificates.caCertificate])
        outputs.append(("ingest", ingest))
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try StreamIngestTests.stored(db) == Self.replay(inputs))

        // The server's certificate signed by another authority than the one trusted: 69, saying what to check.
        let wrongCA = try Self.run(["ingest", "--db", db, "--events", url, "--ca", certificates.otherCACertificate, "--idle-exit", "0"])
        outputs.append(("wrong CA", wrongCA))
        #expect(wrongCA.status == 69, "\(wrongCA.stderr)")
        #expect(wrongCA.stderr.contains("tls://127.0.0.1:\(server.port)/SECURE: cannot connect to the NATS server"), "\(wrongCA.stderr)")
        #expect(wrongCA.stderr.contains("signed by an authority in --ca FILE or $NATS_CA"), "\(wrongCA.stderr)")
        let wrongCAPublish = try Self.run(["publish", "--to", url, "--events", inputs.events], env: ["NATS_CA": certificates.otherCACertificate])
        outputs.append(("wrong CA, publish", wrongCAPublish))
        #expect(wrongCAPublish.status == 69 && wrongCAPublish.stderr.contains("--ca FILE or $NATS_CA"), "\(wrongCAPublish.stderr)")
        // No CA at all: the system's authorities do not know the test's.
        let systemCA = try Self.run(["publish", "--to", url, "--events", inputs.events])
        outputs.append(("system CA", systemCA))
        #expect(systemCA.status == 69, "\(systemCA.stderr)")
        // nats:// to a server that requires TLS.
        let plain = try Self.run(["ingest", "--db", db, "--events", server.url("SECURE", login: login), "--idle-exit", "0"])
        outputs.append(("plain", plain))
        #expect(plain.status == 69 && plain.stderr.contains("takes a tls:// URL"), "\(plain.stderr)")
        // The CA file missing (66), not a certificate (69), --ca with nats:// (64).
        let noFile = try Self.run(["ingest", "--db", db, "--events", url, "--ca", dir.path("nope.pem"), "--idle-exit", "0"])
        outputs.append(("no CA file", noFile))
        #expect(noFile.status == 66 && noFile.stderr.contains("nope.pem: no such file"), "\(noFile.stderr)")
        let notPEM = try Self.run(["publish", "--to", url, "--ca", inputs.events, "--events", inputs.events])
        outputs.append(("not a certificate", notPEM))
        #expect(notPEM.status == 69 && notPEM.stderr.contains("cannot load the certificate authorities"), "\(notPEM.stderr)")
        let caWithPlain = try Self.run(["publish", "--to", server.url("SECURE"), "--ca", certificates.caCertificate, "--events", inputs.events])
        outputs.append(("--ca with nats://", caWithPlain))
        #expect(caWithPlain.status == 64 && caWithPlain.stderr.contains("--ca is for a tls:// URL"), "\(caWithPlain.stderr)")
        Self.expectNoSecret(outputs)
    }
}
