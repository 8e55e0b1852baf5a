@testable import AWS
import TestSupport
import XCTest

/// The hashes SigV4 and the SSO cache use (Sources/AWS/Digest.swift), against the standards' own
/// examples and, around the block boundaries where padding changes shape, against coreutils.
final class DigestTests: XCTestCase {
    static let abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    /// NIST's examples for FIPS 180-4 (SHA256.pdf, and SHA-256's empty message).
    func testSHA256OfTheStandardsExamples() {
        XCTAssertEqual(hex(Digest.sha256(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(Digest.sha256([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex(Digest.sha256(Array(Self.abc448.utf8))), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(Digest.sha256(Self.millionA)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(hex(Digest.sha256([])), SigV4Signer.emptyBodyHash)
    }

    /// NIST's examples for FIPS 180-4 (SHA1.pdf, and SHA-1's empty message).
    func testSHA1OfTheStandardsExamples() {
        XCTAssertEqual(hex(Digest.sha1(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex(Digest.sha1([])), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(hex(Digest.sha1(Array(Self.abc448.utf8))), "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(hex(Digest.sha1(Self.millionA)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// RFC 4231's HMAC-SHA-256 test cases 1–4, 6 and 7 (5 truncates the output, which SigV4 never
    /// does); 6 and 7 have a 131-byte key, longer than the block, which HMAC hashes first.
    func testHMACSHA256OfRFC4231() {
        let cases: [(number: Int, key: [UInt8], data: [UInt8], mac: String)] = [
            (1, [UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (2, Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (3, [UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (4, Array(1...25), [UInt8](repeating: 0xCD, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            (6, [UInt8](repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            (7, [UInt8](repeating: 0xAA, count: 131),
             Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                 + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for test in cases {
            XCTAssertEqual(hex(Digest.hmacSHA256(key: test.key, test.data)), test.mac, "RFC 4231 test case \(test.number)")
        }
    }

    /// 55 bytes is the longest message whose padding fits its own block; from 56 the length spills
    /// into a second one; 63, 64 and 65 straddle a whole block (and 119–129 the same one block on).
    /// The expected digests are computed by coreutils' sha256sum and sha1sum, not copied.
    func testLengthsAroundTheBlockBoundariesAgreeWithCoreutils() throws {
        for tool in ["/usr/bin/sha256sum", "/usr/bin/sha1sum"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed")
        }
        // Printable and varied, so that a byte out of place changes the digest.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129] {
            let message = (0..<length).map { alphabet[($0 * 7) % alphabet.count] }
            let text = String(decoding: message, as: UTF8.self)
            for (tool, digest) in [("/usr/bin/sha256sum", Digest.sha256(message)), ("/usr/bin/sha1sum", Digest.sha1(message))] {
                let result = try runProcess(tool, input: text)
                XCTAssertEqual(result.status, 0, result.stderr)
                XCTAssertEqual(hex(digest), String(result.stdout.prefix { $0 != " " }), "\(tool) of \(length) bytes")
            }
        }
    }

    private func hex(_ bytes: [UInt8]) -> String { SigV4Signer.hex(bytes) }
}
