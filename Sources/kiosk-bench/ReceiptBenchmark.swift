import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskEmulators
import KioskService
import KioskSystem

/// Bytes on the wire and encode time of the standard intake receipt (Vietnamese name and
/// address), per printer profile: as ASCII-folded text (what a stack without Vietnamese sends;
/// lossy, the lower bound), with code pages or raster line by line (no user-defined
/// characters), as the encoder chooses (code pages where they render every letter, otherwise
/// user-defined characters or raster, whichever is fewer bytes), and all raster. Wire time at 9600 and 115200 baud is bytes × 10 / baud.
/// Then the encoder's receipt written through a real pseudo-terminal to the emulated printer.
///
/// Arguments: `--profiles DIR` (default the data folder's `printers`, see `HardwareData`), `--count N` encodes timed per
/// profile (default 200), `--receipts N` receipts written through the pty (default 50).
func runReceiptBenchmark(arguments: [String]) async throws {
    var directory = HardwareData.root.path + "/printers"
    var count = 200
    var receipts = 50
    var i = 0
    while i < arguments.count {
        let value = i + 1 < arguments.count ? arguments[i + 1] : nil
        switch (arguments[i], value) {
        case ("--profiles", let v?): directory = v
        case ("--count", let v?): count = Int(v) ?? count
        case ("--receipts", let v?): receipts = Int(v) ?? receipts
        default: throw BenchUsage("receipt [--profiles DIR] [--count N] [--receipts N]")
        }
        i += 2
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".conf") }
        .map { String($0.dropLast(5)) }.sorted()
    let document = standardIntakeReceipt()
    let folded = ReceiptDocument(
        document.elements.map { element in
            if case .text(let s, let style) = element { return .text(asciiFolded(s), style) }
            return element
        })
    print("Standard intake receipt (\(document.elements.count) elements), wire time = bytes × 10 / baud")
    print("profile            variant        bytes   @9600 s  @115200 s  encode µs (median of \(count))")
    for name in names {
        let profile = try PrinterProfile.load(named: name, from: directory)
        // "pages/raster": the encoder before user-defined characters and raster scaling.
        var previous = profile
        previous.rasterScaling = false
        for (label, doc, mode, profile) in [
            ("ascii text", folded, ESCPOSEncoder.TextRendering.cheapest, profile),
            ("pages/raster", document, .codePagesOrRaster, previous),
            ("encoder", document, .cheapest, profile),
            ("all raster", document, .rasterOnly, profile),
        ] {
            var times: [Double] = []
            var bytes: [UInt8] = []
            for _ in 0..<max(1, count) {
                let start = ContinuousClock.now
                bytes = ESCPOSEncoder.encode(doc, profile: profile, textRendering: mode)
                times.append(microseconds(ContinuousClock.now - start))
            }
            times.sort()
            let wire = { (baud: Double) in Double(bytes.count) * 10 / baud }
            print(
                pad(name, 18) + " " + pad(label, 12) + " " + lpad("\(bytes.count)", 7) + " "
                    + lpad(String(format: "%.2f", wire(9600)), 9) + " "
                    + lpad(String(format: "%.3f", wire(115_200)), 10)
                    + " " + lpad(String(format: "%.0f", times[times.count / 2]), 10))
        }
        let rendered = ESCPOSInterpreter.interpret(ESCPOSEncoder.encode(document, profile: profile), profile: profile)
        let lost = rendered.textLines.filter { $0.contains("?") || $0.contains("\u{FFFD}") }.count
        print(
            pad("", 18) + " encoder output read back: \(rendered.textLines.count) text lines, \(lost) with ? or U+FFFD")
    }
    try await ptyThroughput(document: document, directory: directory, receipts: receipts)
}

/// Writes receipts through a pseudo-terminal to the emulated printer, unpaced (RTS/CTS) and
/// paced to 115200 baud (FlowControl=none).
private func ptyThroughput(document: ReceiptDocument, directory: String, receipts: Int) async throws {
    let profile = try PrinterProfile.load(named: "epson-tm-t20iii", from: directory)
    let bytes = ESCPOSEncoder.encode(document, profile: profile)
    let folder = NSTemporaryDirectory() + "kiosk-bench-receipt-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let emulator = try EmulatedPrinter(profile: profile, devicePath: folder + "/printer")
    for (label, flow) in [("rtscts, unpaced", SerialPortSettings.FlowControl.rtscts), ("none, paced", .none)] {
        let n = flow == .none ? max(1, receipts / 10) : receipts
        let before = emulator.receipts.count
        let port = try SerialPort(
            path: emulator.devicePath, settings: SerialPortSettings(baudRate: .b115200, flowControl: flow))
        let start = ContinuousClock.now
        for _ in 0..<n {
            try port.write(bytes, timeout: .seconds(30))
        }
        try port.drain(timeout: .seconds(10))
        let written = ContinuousClock.now - start
        port.close()
        let got = await emulator.waitForReceipts(count: before + n, timeout: .seconds(60)).count - before
        let seconds = microseconds(written) / 1e6
        print(
            "pty \(label): \(n) receipts of \(bytes.count) bytes (epson-tm-t20iii) written in "
                + String(format: "%.3f s = %.0f KB/s", seconds, Double(n * bytes.count) / seconds / 1000)
                + " (wire time at 115200: " + String(format: "%.3f s", Double(n * bytes.count) * 10 / 115_200)
                + "); emulator recorded \(got) receipts")
    }
    await emulator.stop()
}

/// The intake receipt of the national form, with a Vietnamese name and address.
func standardIntakeReceipt() -> ReceiptDocument {
    var d = ReceiptDocument()
    d.text("BƯU ĐIỆN TỈNH YÊN BÁI", TextStyle(bold: true, alignment: .center))
    d.text("Điểm phục vụ: Bưu cục Nguyễn Thái Học", TextStyle(alignment: .center))
    d.text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", TextStyle(bold: true, alignment: .center))
    d.text("Mã hồ sơ: YBVY01-261121-0007-K", TextStyle(bold: true))
    d.text("Người nộp: Nguyễn Thị Hồng Nhung")
    d.text("CCCD: ********1234")
    d.text("Địa chỉ: Tổ 5, phường Đồng Tâm, TP Yên Bái")
    d.text("Thủ tục: Cấp Phiếu lý lịch tư pháp")
    d.text("Nhận lúc: 21/11/2026 09:15")
    d.text("Hẹn trả kết quả: 05/12/2026", TextStyle(bold: true))
    d.text("Lệ phí: 200.000 đồng")
    d.text("Nhận kết quả: qua bưu điện")
    d.elements.append(.barcode("YBVY01-261121-0007-K"))
    d.elements.append(.qr("YBVY01-261121-0007-K"))
    d.text("Tra cứu: quét mã này tại kiosk", TextStyle(alignment: .center))
    d.elements.append(.cut)
    return d
}

private func asciiFolded(_ s: String) -> String {
    String(
        String.UnicodeScalarView(
            s.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
                .decomposedStringWithCanonicalMapping.unicodeScalars.filter { $0.value < 0x80 }))
}

private func microseconds(_ d: Duration) -> Double {
    d.totalSeconds * 1e6
}

private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
private func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
