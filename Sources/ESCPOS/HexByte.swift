/// `0x1B`-style text for a byte in the interpreter's notes: two upper-case hex digits, as
/// `String(format: "0x%02X", byte)` wrote them, without Foundation.
func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}
