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
                      "nats://u:pw-secret@h:4222/a*", "nats://u:pw-secret@h:4222/a/b", "http://u:pw-secret@h/S", "nats://u:pw-secret@/S"])
    func refused(_ text: String) {
        #expect {
            _ = try NATSStreamURL(text)
        } throws: { error in
            let message = (error as? NATSStreamURL.Invalid)?.description ?? ""
            return !message.isEmpty && !message.contains("pw-secret")
        }
    }
}
