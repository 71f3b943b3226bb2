import CCrypto
import Foundation

/// SHA-256 and HMAC-SHA256 from libcrypto. Hashing is never hand-written: a subtle bug in a signature
/// is a forged delivery or a partner who rejects everything.
public enum Crypto {
    public static func sha256(_ data: some DataProtocol) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(data)
        let ok = bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(raw.baseAddress, raw.count, o.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        precondition(ok == 1, "EVP_Digest(SHA-256) failed")
        return Array(out.prefix(Int(length)))
    }

    public static func hmacSHA256(key: some DataProtocol, message: some DataProtocol) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let k = Array(key), m = Array(message)
        let result = k.withUnsafeBytes { kr in
            m.withUnsafeBytes { mr in
                out.withUnsafeMutableBufferPointer { o in
                    // An empty key or message still needs a valid pointer.
                    HMAC(EVP_sha256(), kr.baseAddress ?? UnsafeRawPointer(o.baseAddress!), Int32(kr.count),
                         (mr.baseAddress ?? UnsafeRawPointer(o.baseAddress!)).assumingMemoryBound(to: UInt8.self), mr.count,
                         o.baseAddress, &length)
                }
            }
        }
        precondition(result != nil, "HMAC(SHA-256) failed")
        return Array(out.prefix(Int(length)))
    }

    /// Compares two byte strings in time that does not depend on where they differ, so a receiver
    /// checking signatures leaks nothing to someone guessing one byte at a time.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { ar in b.withUnsafeBytes { br in CRYPTO_memcmp(ar.baseAddress, br.baseAddress, a.count) == 0 } }
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses lowercase or uppercase hex; nil for anything else.
    public static func bytes(hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
