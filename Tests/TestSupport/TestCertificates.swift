import Foundation

/// A certificate authority and a server certificate it signs for 127.0.0.1 and localhost, made with the `openssl`
/// CLI in a temporary folder for a test that runs a TLS server (the NATS TLS tests); `otherCA` is an authority
/// that signed nothing, for the "wrong CA" case. PEM files, valid for two days. Missing `openssl`: `init` throws
/// and the test fails (`.ci/deps` installs it).
public struct TestCertificates {
    public let caCertificate: String
    public let otherCACertificate: String
    public let serverCertificate: String
    public let serverKey: String

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    public init(in dir: TempDir) throws {
        let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let openssl else { throw Failed(description: "openssl was not found: run .ci/deps") }
        func run(_ args: [String]) throws {
            let r = try runProcess(openssl, args, timeout: 60)
            guard r.status == 0 else { throw Failed(description: "openssl \(args.joined(separator: " ")): \(r.stderr)") }
        }
        caCertificate = dir.path("ca.pem")
        otherCACertificate = dir.path("other-ca.pem")
        serverCertificate = dir.path("server.pem")
        serverKey = dir.path("server.key")
        for (cert, key, name) in [(caCertificate, dir.path("ca.key"), "incentives test CA"), (otherCACertificate, dir.path("other-ca.key"), "some other CA")] {
            try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                     "-out", cert, "-days", "2", "-subj", "/CN=\(name)"])
        }
        let csr = dir.path("server.csr"), ext = dir.path("server.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(toFile: ext, atomically: true, encoding: .utf8)
        try run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", serverKey,
                 "-out", csr, "-subj", "/CN=localhost"])
        try run(["x509", "-req", "-in", csr, "-CA", caCertificate, "-CAkey", dir.path("ca.key"), "-CAcreateserial",
                 "-days", "2", "-extfile", ext, "-out", serverCertificate])
    }

    /// The `nats-server` arguments that make it require TLS with this server certificate.
    public var natsServerArguments: [String] { ["--tls", "--tlscert", serverCertificate, "--tlskey", serverKey] }
}
