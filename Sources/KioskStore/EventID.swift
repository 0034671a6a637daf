/// Event ids: random (version 4) UUIDs in lowercase, as the protocol's `id`.
///
/// Made here rather than with Foundation's `UUID()`, which opens and reads `/dev/urandom`
/// for every id (three system calls on each durable enqueue); `SystemRandomNumberGenerator`
/// uses `getrandom`, the same kernel source, without a file descriptor.
enum EventID {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` id (`y` is 8, 9, a or b).
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next()
        var low = generator.next()
        high = (high & ~0xF000) | 0x4000  // version 4 in bits 12–15 of the third group
        low = (low & ~(0xC << 60)) | (0x8 << 60)  // RFC 4122 variant: 10xx
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, word) in [high, low].enumerated() {
            for nibble in 0..<16 {
                let position = index * 16 + nibble
                if position == 8 || position == 12 || position == 16 || position == 20 {
                    text.append(UInt8(ascii: "-"))
                }
                text.append(hexDigits[Int(word >> UInt64(60 - nibble * 4) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
