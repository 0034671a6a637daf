// Fuzz target `hidpos`: the HID-POS report descriptor parser fed any bytes; where they parse,
// the report assembler fed the rest of the input as reports of the described length. Built by
// .ci/fuzz.sh with `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

@testable import KioskDevices

func fuzzHIDPOS(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count > 1 else { return }
    let split = min(bytes.count, Int(bytes[0]) + 1)
    let descriptor = Array(bytes[1..<split])
    guard let layout = try? HIDPOSDescriptor(parsing: descriptor) else { return }
    var assembler = HIDPOSReportAssembler(descriptor: layout)
    let length = max(1, layout.reportBytes + (layout.reportID == nil ? 0 : 1))
    var now: UInt64 = 1_000_000_000
    var start = split
    while start < bytes.count {
        let end = min(bytes.count, start + length)
        if case .scan(let scan)? = assembler.feed(bytes[start..<end], now: now),
            scan.bytes.count > HIDPOSReportAssembler.maximumBytes
        {
            fatalError("a scan over the limit got through")
        }
        now &+= 1_000_000
        _ = assembler.expire(now: now)
        start = end
    }
    _ = assembler.reset()
}
