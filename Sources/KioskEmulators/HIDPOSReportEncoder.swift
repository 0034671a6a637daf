import KioskDevices

extension HIDPOSDescriptor {
    /// The input reports a HID-POS scanner with this layout sends for one scan: the bytes cut
    /// into the decoded-data field's size, each report with the byte count (where the layout
    /// has one), the symbology identifier and "more follows" on all but the last.
    ///
    /// The inverse of `HIDPOSReportAssembler`, for stand-ins (tests, `kiosk-bench`) that play
    /// a scanner; a real scanner builds these itself. Empty when the layout cannot carry the
    /// scan (more than one report without a continuation flag).
    public func reports(for bytes: [UInt8], symbology: String) -> [[UInt8]] {
        let chunkSize = decodedData.bitSize / 8
        guard chunkSize > 0 else { return [] }
        var chunks = stride(from: 0, to: bytes.count, by: chunkSize).map {
            Array(bytes[$0..<min($0 + chunkSize, bytes.count)])
        }
        if chunks.isEmpty { chunks = [[]] }
        guard chunks.count == 1 || continued != nil else { return [] }
        let identifier = Array(symbology.utf8)
        return chunks.enumerated().map { index, chunk in
            var body = [UInt8](repeating: 0, count: reportBytes)
            for (k, byte) in chunk.enumerated() { body[decodedData.bitOffset / 8 + k] = byte }
            if let byteCount { Self.set(byteCount, to: UInt64(chunk.count), in: &body) }
            for (k, field) in self.symbology.enumerated() where k < identifier.count {
                Self.set(field, to: UInt64(identifier[k]), in: &body)
            }
            if let continued { Self.set(continued, to: index < chunks.count - 1 ? 1 : 0, in: &body) }
            return reportID.map { [$0] + body } ?? body
        }
    }

    private static func set(_ field: Field, to value: UInt64, in body: inout [UInt8]) {
        for bit in 0..<min(field.bitSize, 64) {
            let position = field.bitOffset + bit
            guard position / 8 < body.count else { return }
            let mask = UInt8(1) << UInt8(position % 8)
            if value >> UInt64(bit) & 1 != 0 { body[position / 8] |= mask } else { body[position / 8] &= ~mask }
        }
    }
}
