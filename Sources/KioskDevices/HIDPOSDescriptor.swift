/// Where a HID-POS bar code scanner puts a scan in its Scanned Data Report, read from the
/// device's HID report descriptor (HID 1.11 §6.2.2 items; HID Point of Sale Usage Tables,
/// usage page 0x8C "Bar Code Scanner").
///
/// A scanner in HID-POS mode sends each scan as one or more input reports of the Scanned Data
/// Report (usage 0x8C:0x12): the decoded bytes exactly as in the bar code (usage 0x8C:0xFE,
/// "Decoded Data"), the AIM symbology identifier (0x8C:0xFB–0xFD), often a byte count
/// (Generic Desktop 0x01:0x3B) and a "Decode Data Continued" flag (0x8C:0xFF) set on every
/// report but the last of a long scan. Vendors lay these out differently, so the offsets are
/// taken from the descriptor rather than assumed.
///
/// Parsing is pure: no I/O, any bytes in, a layout or a `HIDPOSDescriptorError` out, never a
/// crash.
public struct HIDPOSDescriptor: Sendable, Equatable {
    /// A field of the input report: `bitSize` bits at `bitOffset`, counted from the first byte
    /// after the report ID (or from the first byte when the device uses no report IDs).
    public struct Field: Sendable, Equatable {
        /// Offset in bits.
        public var bitOffset: Int
        /// Size in bits.
        public var bitSize: Int

        /// Creates a field.
        public init(bitOffset: Int, bitSize: Int) {
            self.bitOffset = bitOffset
            self.bitSize = bitSize
        }

        /// The field's value as an unsigned integer (bits past the end of `bytes` read as 0).
        func value(in bytes: ArraySlice<UInt8>) -> UInt64 {
            var result: UInt64 = 0
            for bit in 0..<min(bitSize, 64) {
                let index = bytes.startIndex + (bitOffset + bit) / 8
                guard index < bytes.endIndex else { break }
                if bytes[index] >> UInt8((bitOffset + bit) % 8) & 1 != 0 { result |= 1 << UInt64(bit) }
            }
            return result
        }
    }

    /// The Scanned Data Report's report ID; nil when the device numbers no reports (then each
    /// report has no ID byte in front).
    public var reportID: UInt8?
    /// Bytes of the report after the ID byte.
    public var reportBytes: Int
    /// The decoded data's bytes (byte-aligned, 8-bit units).
    public var decodedData: Field
    /// How many of the decoded data's bytes are used; nil when the report has no count (then
    /// trailing zero bytes are padding).
    public var byteCount: Field?
    /// The symbology identifier's characters (AIM, e.g. `]Q1` for QR Code), in order.
    public var symbology: [Field]
    /// Set when more of the same scan follows in the next report.
    public var continued: Field?

    /// Usage page 0x8C, Bar Code Scanner.
    public static let barcodeScannerPage: UInt16 = 0x8C
    /// 0x8C:0x12, the Scanned Data Report collection.
    public static let scannedDataReport: UInt32 = 0x008C_0012
    static let decodedDataUsage: UInt32 = 0x008C_00FE
    static let continuedUsage: UInt32 = 0x008C_00FF
    static let symbologyUsages: [UInt32] = [0x008C_00FB, 0x008C_00FC, 0x008C_00FD]
    /// Generic Desktop Byte Count, which vendors put before the decoded data.
    static let byteCountUsage: UInt32 = 0x0001_003B

    /// Creates a layout directly (tests, and stand-ins that describe their own reports).
    public init(
        reportID: UInt8?, reportBytes: Int, decodedData: Field, byteCount: Field?, symbology: [Field],
        continued: Field?
    ) {
        self.reportID = reportID
        self.reportBytes = reportBytes
        self.decodedData = decodedData
        self.byteCount = byteCount
        self.symbology = symbology
        self.continued = continued
    }

    /// Reads a report descriptor (`HIDIOCGRDESC`, or sysfs `report_descriptor`).
    public init(parsing bytes: [UInt8]) throws(HIDPOSDescriptorError) {
        let items = try HIDReportItems.parse(bytes)
        let posApplications = items.applications.filter { $0 >> 16 == UInt32(Self.barcodeScannerPage) }
        guard !posApplications.isEmpty else {
            throw .notBarcodeScanner(applications: items.applications)
        }
        // Prefer the Decoded Data inside a Scanned Data Report collection (0x8C:0x12); a
        // descriptor that omits that collection still works if it has the field.
        let candidates = items.inputs.filter { $0.usage == Self.decodedDataUsage }
        guard
            let data = candidates.first(where: { $0.collections.contains(Self.scannedDataReport) })
                ?? candidates.first
        else { throw .noScannedData }
        guard data.bitSize % 8 == 0, data.bitOffset % 8 == 0, data.unitBits == 8 else {
            throw .unusableDecodedData(
                "is not made of whole bytes (\(data.unitBits)-bit units at bit \(data.bitOffset))")
        }
        let sameReport = items.inputs.filter { $0.reportID == data.reportID }
        func field(_ usage: UInt32) -> Field? {
            sameReport.first { $0.usage == usage }.map { Field(bitOffset: $0.bitOffset, bitSize: $0.unitBits) }
        }
        self.init(
            reportID: items.usesReportIDs ? data.reportID : nil,
            reportBytes: (items.inputBits[data.reportID, default: 0] + 7) / 8,
            decodedData: Field(bitOffset: data.bitOffset, bitSize: data.bitSize),
            byteCount: field(Self.byteCountUsage),
            symbology: Self.symbologyUsages.compactMap(field),
            continued: field(Self.continuedUsage))
    }

    /// Whether `bytes` describe a HID-POS bar code scanner (for `kioskctl devices`).
    public static func isBarcodeScanner(_ bytes: [UInt8]) -> Bool {
        (try? HIDPOSDescriptor(parsing: bytes)) != nil
    }
}

/// The input fields and application collections of a report descriptor, from its short
/// items (long items are skipped, as the HID specification allows).
struct HIDReportItems {
    /// One input field: a single usage over `bitSize` bits (a buffered-bytes or array field
    /// spans all its units).
    struct Input {
        var reportID: UInt8
        var usage: UInt32
        var bitOffset: Int
        var bitSize: Int
        var unitBits: Int
        var collections: [UInt32]
    }

    var applications: [UInt32] = []
    var inputs: [Input] = []
    var usesReportIDs = false
    /// Input bits per report ID so far (ID 0 when the device uses none).
    var inputBits: [UInt8: Int] = [:]

    private struct Globals {
        var usagePage: UInt32 = 0
        var reportSize = 0
        var reportCount = 0
        var reportID: UInt8 = 0
    }

    /// A descriptor over this many items is not a scanner's (guards against hostile input).
    static let maximumFields = 65_536

    static func parse(_ bytes: [UInt8]) throws(HIDPOSDescriptorError) -> HIDReportItems {
        var result = HIDReportItems()
        var globals = Globals()
        var stack: [Globals] = []
        var usages: [UInt32] = []
        var usageMinimum: UInt32?
        var collections: [UInt32] = []
        var index = 0
        while index < bytes.count {
            let prefix = bytes[index]
            if prefix == 0xFE {  // long item: size, tag, data
                guard index + 2 < bytes.count else { throw .malformed(offset: index, "long item cut short") }
                index += 3 + Int(bytes[index + 1])
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard index + size < bytes.count else {
                throw .malformed(offset: index, "item 0x\(String(prefix, radix: 16)) needs \(size) data bytes")
            }
            var data: UInt32 = 0
            for k in 0..<size { data |= UInt32(bytes[index + 1 + k]) << (8 * UInt32(k)) }
            let type = (prefix >> 2) & 0x03
            let tag = prefix >> 4
            func fullUsage(_ value: UInt32) -> UInt32 { size == 4 ? value : globals.usagePage << 16 | value }
            switch (type, tag) {
            case (1, 0x0): globals.usagePage = data & 0xFFFF
            case (1, 0x7): globals.reportSize = Int(data)
            case (1, 0x8):
                guard data > 0, data <= 0xFF else {
                    throw .malformed(offset: index, "report ID \(data) is out of range")
                }
                globals.reportID = UInt8(data)
                result.usesReportIDs = true
            case (1, 0x9): globals.reportCount = Int(data)
            case (1, 0xA): stack.append(globals)
            case (1, 0xB):
                guard let top = stack.popLast() else { throw .malformed(offset: index, "Pop without Push") }
                globals = top
            case (2, 0x0): usages.append(fullUsage(data))
            case (2, 0x1): usageMinimum = fullUsage(data)
            case (2, 0x2):
                if let low = usageMinimum, fullUsage(data) >= low, fullUsage(data) - low < 4096 {
                    usages.append(contentsOf: low...fullUsage(data))
                }
                usageMinimum = nil
            case (0, 0xA):  // Collection
                let usage = usages.first ?? 0
                if data == 0x01 { result.applications.append(usage) }
                collections.append(usage)
            case (0, 0xC):  // End Collection
                guard collections.popLast() != nil else {
                    throw .malformed(offset: index, "End Collection without Collection")
                }
            case (0, 0x8):  // Input
                guard globals.reportSize > 0, globals.reportSize <= 32, globals.reportCount <= 4096 else {
                    throw .malformed(
                        offset: index, "Input of \(globals.reportCount) × \(globals.reportSize) bits is out of range")
                }
                let variable = data & 0x02 != 0
                let bufferedBytes = data & 0x100 != 0
                let constant = data & 0x01 != 0
                var offset = result.inputBits[globals.reportID, default: 0]
                if !constant && !usages.isEmpty {
                    if variable && !bufferedBytes {
                        for k in 0..<globals.reportCount {
                            result.inputs.append(
                                Input(
                                    reportID: globals.reportID, usage: usages[min(k, usages.count - 1)],
                                    bitOffset: offset + k * globals.reportSize, bitSize: globals.reportSize,
                                    unitBits: globals.reportSize, collections: collections))
                        }
                    } else {
                        result.inputs.append(
                            Input(
                                reportID: globals.reportID, usage: usages[0], bitOffset: offset,
                                bitSize: globals.reportSize * globals.reportCount, unitBits: globals.reportSize,
                                collections: collections))
                    }
                    guard result.inputs.count <= maximumFields else {
                        throw .malformed(offset: index, "more than \(maximumFields) input fields")
                    }
                }
                offset += globals.reportSize * globals.reportCount
                result.inputBits[globals.reportID] = offset
            default: break  // Output, Feature and the other globals and locals do not matter here
            }
            if type == 0 {  // a main item ends the locals
                usages.removeAll(keepingCapacity: true)
                usageMinimum = nil
            }
            index += 1 + size
        }
        guard collections.isEmpty else {
            throw .malformed(offset: bytes.count, "\(collections.count) collection(s) not ended")
        }
        return result
    }
}
