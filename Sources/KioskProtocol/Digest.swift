import COpenSSL

/// SHA-256 and HMAC-SHA256 from libcrypto, as lowercase hex.
public enum Digest {
    /// Lowercase hex of SHA-256 of `bytes`; `e3b0c442…b855` for no bytes.
    ///
    /// The corresponding C function is `EVP_Digest`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.encode(sha256(bytes))
    }

    /// SHA-256 of `bytes`, 32 raw bytes.
    ///
    /// The corresponding C function is `EVP_Digest`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // EVP_Digest fails only when libcrypto cannot allocate or SHA-256 is missing: unusable.
        precondition(ok == 1 && length == 32, "libcrypto EVP_Digest(SHA-256) failed")
        return Array(out[0..<32])
    }

    /// Lowercase hex of HMAC-SHA256(`key`, `message`).
    ///
    /// The corresponding C function is `HMAC`.
    public static func hmacSHA256Hex(key: [UInt8], message: [UInt8]) -> String {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // HMAC() wants a non-null key pointer even for a zero-length key.
        let keyStorage = key.isEmpty ? [UInt8(0)] : key
        let result = keyStorage.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                out.withUnsafeMutableBufferPointer { o in
                    HMAC(
                        EVP_sha256(), k.baseAddress, Int32(key.count),
                        m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, o.baseAddress, &length)
                }
            }
        }
        precondition(result != nil && length == 32, "libcrypto HMAC(SHA-256) failed")
        return Hex.encode(out[0..<32])
    }
}

/// Lowercase hexadecimal text.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Two lowercase hex digits per byte.
    static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `text` is exactly `count` hex digits (either case).
    static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
            }
    }
}
