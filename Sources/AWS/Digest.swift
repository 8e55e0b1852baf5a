/// SHA-256 and SHA-1 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104): what SigV4 signing and the SSO
/// cache's file names need. Written here rather than linked from swift-crypto, whose BoringSSL was
/// a second copy beside swift-nio-ssl's (about 1.2 MB of the binary) for these three functions.
enum Digest {
    static func sha256(_ message: [UInt8]) -> [UInt8] {
        hash(message, state: SHA256.initialState, compress: SHA256.compress)
    }

    /// Only for names (the aws CLI's SSO cache file): SHA-1 is broken for anything that must resist forgery.
    static func sha1(_ message: [UInt8]) -> [UInt8] {
        hash(message, state: SHA1.initialState, compress: SHA1.compress)
    }

    /// HMAC (RFC 2104) over SHA-256: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)), K first hashed when
    /// longer than the 64-byte block and then padded with zeros to it.
    static func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        var block = key.count > blockSize ? sha256(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = sha256(block.map { $0 ^ 0x36 } + message)
        return sha256(block.map { $0 ^ 0x5C } + inner)
    }

    private static let blockSize = 64

    /// The Merkle–Damgård frame both hashes share (FIPS 180-4 §5.1.1, §5.2.1): the message, then
    /// 0x80, zeros, and its length in bits as 64 bits big-endian, ending on a 64-byte boundary; each
    /// block folded into the state of 32-bit words, which is the digest, big-endian. Whole blocks
    /// are read where the message lies; only the last one or two are copied.
    private static func hash(_ message: [UInt8], state initial: [UInt32],
                             compress: (inout [UInt32], UnsafeRawBufferPointer) -> Void) -> [UInt8] {
        var state = initial
        func compressWholeBlocks(_ bytes: UnsafeRawBufferPointer) {
            for start in stride(from: 0, to: bytes.count - bytes.count % blockSize, by: blockSize) {
                compress(&state, UnsafeRawBufferPointer(rebasing: bytes[start..<start + blockSize]))
            }
        }
        message.withUnsafeBytes(compressWholeBlocks)
        let rest = message.suffix(message.count % blockSize)
        // Room for 0x80 and the 8-byte length in this block, or they spill into another one.
        var tail = [UInt8](repeating: 0, count: rest.count + 9 <= blockSize ? blockSize : 2 * blockSize)
        tail.replaceSubrange(0..<rest.count, with: rest)
        tail[rest.count] = 0x80
        let bits = UInt64(message.count) &* 8
        tail.replaceSubrange((tail.count - 8)..., with: withUnsafeBytes(of: bits.bigEndian, Array.init))
        tail.withUnsafeBytes(compressWholeBlocks)
        return state.flatMap { word in withUnsafeBytes(of: word.bigEndian, Array.init) }
    }

    /// The block's 16 big-endian words: the start of either hash's message schedule (§6.1.2, §6.2.2 step 1).
    private static func loadWords(_ block: UnsafeRawBufferPointer, into schedule: UnsafeMutableBufferPointer<UInt32>) {
        for t in 0..<16 { schedule[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self)) }
    }

    /// FIPS 180-4 §6.2.
    private enum SHA256 {
        /// §5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
        static let initialState: [UInt32] = [
            0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
        ]

        /// §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
        static let roundConstants: [UInt32] = [
            0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
            0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
            0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
            0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
            0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
            0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
            0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
            0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
        ]

        static func compress(_ state: inout [UInt32], _ block: UnsafeRawBufferPointer) {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                loadWords(block, into: w)
                for t in 16..<64 {
                    let s0 = w[t - 15].rotatedRight(7) ^ w[t - 15].rotatedRight(18) ^ (w[t - 15] >> 3)
                    let s1 = w[t - 2].rotatedRight(17) ^ w[t - 2].rotatedRight(19) ^ (w[t - 2] >> 10)
                    w[t] = s1 &+ w[t - 7] &+ s0 &+ w[t - 16]
                }
                var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
                roundConstants.withUnsafeBufferPointer { k in
                    for t in 0..<64 {
                        let sum1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
                        let choose = (e & f) ^ (~e & g)
                        let t1 = h &+ sum1 &+ choose &+ k[t] &+ w[t]
                        let sum0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        (h, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ sum0 &+ majority)
                    }
                }
                state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
                state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
            }
        }
    }

    /// FIPS 180-4 §6.1.
    private enum SHA1 {
        /// §5.3.1.
        static let initialState: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]

        static func compress(_ state: inout [UInt32], _ block: UnsafeRawBufferPointer) {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
                loadWords(block, into: w)
                for t in 16..<80 { w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotatedLeft(1) }
                var (a, b, c, d, e) = (state[0], state[1], state[2], state[3], state[4])
                for t in 0..<80 {
                    // §4.1.1 and §4.2.1: each twenty rounds have their function and constant.
                    let (function, constant): (UInt32, UInt32) = switch t {
                    case 0..<20: ((b & c) ^ (~b & d), 0x5A82_7999)
                    case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
                    case 40..<60: ((b & c) ^ (b & d) ^ (c & d), 0x8F1B_BCDC)
                    default: (b ^ c ^ d, 0xCA62_C1D6)
                    }
                    let temporary = a.rotatedLeft(5) &+ function &+ e &+ constant &+ w[t]
                    (e, d, c, b, a) = (d, c, b.rotatedLeft(30), a, temporary)
                }
                state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d; state[4] &+= e
            }
        }
    }
}

private extension UInt32 {
    func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
    func rotatedLeft(_ count: UInt32) -> UInt32 { (self << count) | (self >> (32 - count)) }
}
