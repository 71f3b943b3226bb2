import Testing
@testable import IncentivesStream

/// `nats://[USER:PASSWORD@|TOKEN@]HOST[:PORT]/STREAM`: what is shown never holds the credentials, and what is not
/// a stream's URL is refused with a message that does not quote them either.
@Suite("NATS stream URLs")
struct StreamURLTests {
    @Test("host, port (4222 by default) and stream; credentials go to the server only")
    func parts() throws {
        let plain = try NATSStreamURL("nats://127.0.0.1:4333/EVENTS")
        #expect(plain.host == "127.0.0.1" && plain.port == 4333 && plain.stream == "EVENTS")
        #expect(plain.display == "nats://127.0.0.1:4333/EVENTS")
        #expect(plain.serverURL == "nats://127.0.0.1:4333")
        let withLogin = try NATSStreamURL("nats://alice:s3cret@events.example:7422/APP")
        #expect(withLogin.display == "nats://events.example:7422/APP")
        #expect(withLogin.serverURL == "nats://alice:s3cret@events.example:7422")
        #expect(withLogin.redacting("login alice:s3cret refused") == "login *** refused")
        let token = try NATSStreamURL("tls://tok3n@host/S")
        #expect(token.port == 4222 && token.display == "tls://host:4222/S" && token.serverURL == "tls://tok3n@host:4222")
        #expect(NATSStreamURL.isStream("nats://h/S") && NATSStreamURL.isStream("tls://h/S"))
        #expect(!NATSStreamURL.isStream("events.jsonl") && !NATSStreamURL.isStream("-"))
    }

    @Test("no stream, a bad port, a stream name with a dot, space or wildcard: refused without the credentials",
          arguments: ["nats://u:pw-secret@h:4222", "nats://u:pw-secret@h:4222/", "nats://u:pw-secret@h:99999/S",
                      "nats://u:pw-secret@h:x/S", "nats://u:pw-secret@h:4222/a.b", "nats://u:pw-secret@h:4222/a b",
                      "nats://u:pw-secret@h:4222/a*", "nats://u:pw-secret@h:4222/a/b", "http://u:pw-secret@h/S", "nats://u:pw-secret@/S",
                      "nats://u:pw-secret@h1:4222,nats://u:pw-secret@h2:4222/S", "nats://h1,h2/S"])
    func refused(_ text: String) {
        #expect {
            _ = try NATSStreamURL(text)
        } throws: { error in
            let message = (error as? NATSStreamURL.Invalid)?.description ?? ""
            return !message.isEmpty && !message.contains("pw-secret")
        }
    }

    @Test("$NATS_URL: nats:STREAM takes its server (and login), nats: its stream too; unset, a list or no stream is refused without its text")
    func fromTheEnvironment() throws {
        let env = ["NATS_URL": "nats://alice:pw-secret@events.example:7422"]
        let named = try NATSStreamURL.resolve("nats:EVENTS", environment: env)
        #expect(named.display == "nats://events.example:7422/EVENTS" && named.serverURL == "nats://alice:pw-secret@events.example:7422")
        let whole = try NATSStreamURL.resolve("nats:", environment: ["NATS_URL": "tls://tok@h/APP"])
        #expect(whole.display == "tls://h:4222/APP" && whole.serverURL == "tls://tok@h:4222")
        #expect(try NATSStreamURL.resolve(nil, environment: ["NATS_URL": "h:5000/S"]).display == "nats://h:5000/S", "no scheme: nats://")
        #expect(try NATSStreamURL.resolve("nats://h/S", environment: env).serverURL == "nats://h:4222", "a whole URL ignores $NATS_URL")
        for (text, environment) in [("nats:EVENTS", [:]), ("nats:", env), ("nats:a.b", env), (nil, env),
                                    ("nats:E", ["NATS_URL": "nats://u:pw-secret@h1:4222,nats://u:pw-secret@h2:4222"]),
                                    ("nats:E", ["NATS_URL": "nats://u:pw-secret@h:0"])] as [(String?, [String: String])] {
            #expect {
                _ = try NATSStreamURL.resolve(text, environment: environment)
            } throws: { error in
                let message = (error as? NATSStreamURL.Invalid)?.description ?? ""
                return !message.isEmpty && !message.contains("pw-secret")
            }
        }
    }
}
