import ESCPOS
import Foundation
import KioskConfig
import KioskProtocol
import KioskReceipts
import KioskService
import KioskSystem

/// `kiosk-bench receipt-bytes`: the real intake receipt (the national form, one copy,
/// `IntakeReceiptSample`) per printer profile along each way of printing Vietnamese — the
/// encoder's choice, code pages (raster where no page fits), user-defined characters (raster
/// where they are more bytes or the profile has none), raster only — with bytes on the wire and
/// wire time at 9600 and 115200 baud (bytes × 10 / baud); then the same document through
/// python-escpos (`peers/escpos_receipt.py --document`) on its profiles nearest to ours, where
/// python-escpos is installed.
///
///     kiosk-bench receipt-bytes [--profiles DIR] [--python PATH] [--peers DIR]
///
/// Prints Markdown tables (docs/printers.md). `--python` names the interpreter that has
/// python-escpos (default `python3`); without it the peer table says so and the rest prints.
func runReceiptBytesBenchmark(arguments: [String]) throws {
    var list = ArgumentList(arguments)
    let directory =
        try list.option("--profiles") ?? FileManager.default.currentDirectoryPath + "/Hardware/printers"
    let python = try list.option("--python") ?? "python3"
    let peers = try list.option("--peers") ?? FileManager.default.currentDirectoryPath + "/Sources/kiosk-bench/peers"
    try list.expectEnd()
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".conf") }
        .map { String($0.dropLast(5)) }.sorted()
    var chosenBytes: [String: Int] = [:]
    print("Intake receipt (national form, 1 copy); wire time = bytes × 10 / baud\n")
    print("| profile | path | bytes | wire s @ 9600 | wire s @ 115200 | of raster |")
    print("|---|---|---|---|---|---|")
    for name in names {
        let profile = try PrinterProfile.load(named: name, from: directory)
        let document = IntakeReceiptSample.document(columns: profile.columnsFontA, copies: 1)
        let raster = ESCPOSEncoder.encode(document, profile: profile, textRendering: .rasterOnly).count
        var paths: [(String, Int)] = []
        let chosen = ESCPOSEncoder.encode(document, profile: profile)
        chosenBytes[name] = chosen.count
        paths.append(("**encoder's choice**" + ReceiptBytesPaths.describe(chosen, profile), chosen.count))
        if ReceiptBytesPaths.hasVietnamesePage(profile) {
            paths.append(
                (
                    "code page (raster where no page fits)",
                    ESCPOSEncoder.encode(document, profile: profile, textRendering: .codePagesOrRaster).count
                ))
        }
        if !profile.userDefinedCells.isEmpty {
            var noPages = profile
            noPages.codePages = profile.codePages.filter { $0.key == .cp437 }
            paths.append(
                (
                    "user-defined characters (raster where fewer bytes)",
                    ESCPOSEncoder.encode(document, profile: noPages).count
                ))
        }
        paths.append(("raster only", raster))
        for (path, bytes) in paths {
            print(
                "| \(name) | \(path) | \(bytes) | \(String(format: "%.2f", Double(bytes) * 10 / 9600)) | "
                    + "\(String(format: "%.3f", Double(bytes) * 10 / 115_200)) | "
                    + "\(Int((Double(bytes) * 100 / Double(raster)).rounded())) % |")
        }
    }
    print("")
    ReceiptBytesPaths.peerTable(
        document: IntakeReceiptSample.document(columns: 48, copies: 1), python: python, peers: peers,
        ours: chosenBytes)
}

/// Helpers of `kiosk-bench receipt-bytes`.
enum ReceiptBytesPaths {
    /// python-escpos profiles and the shipped profile each is nearest to.
    static let peerProfiles: [(peer: String, ours: String?)] = [
        ("default", nil), ("TM-T20II", "epson-tm-t20iii"), ("RP326", "rongta-rp326"), ("POS-5890", "generic-58mm"),
    ]

    /// Whether the profile has any Vietnamese code page.
    static func hasVietnamesePage(_ profile: PrinterProfile) -> Bool {
        profile.codePages.keys.contains { $0 != .cp437 }
    }

    /// ` (Vietnamese page)`, ` (Vietnamese page + user-defined)`: which paths the chosen bytes
    /// took, from the commands in them (`ESC t` with one of the profile's Vietnamese pages,
    /// `ESC &`, `GS v 0` — an image is also how a profile without native QR prints the QR).
    static func describe(_ bytes: [UInt8], _ profile: PrinterProfile) -> String {
        var used: [String] = []
        let pages = profile.codePages.filter { $0.key != .cp437 }.values
        if pages.contains(where: { contains(bytes, [0x1B, 0x74, $0]) }) { used.append("Vietnamese page") }
        if contains(bytes, [0x1B, 0x26]) { used.append("user-defined") }
        if contains(bytes, [0x1D, 0x76, 0x30]) { used.append("images") }
        return used.isEmpty ? "" : " (" + used.joined(separator: " + ") + ")"
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    /// The document as the peer script reads it: one JSON object per element.
    static func json(_ document: ReceiptDocument) -> Data {
        var writer = JSONWriter()
        writer.array { writer in
            for element in document.elements {
                writer.object { writer in
                    switch element {
                    case .text(let text, let style):
                        writer.member("kind", "text")
                        writer.member("text", text)
                        writer.member("bold", style.bold)
                        writer.member("underline", style.underline)
                        writer.member("double_width", style.doubleWidth)
                        writer.member("double_height", style.doubleHeight)
                        writer.member(
                            "align",
                            style.alignment == .center ? "center" : style.alignment == .right ? "right" : "left")
                        writer.member("font", style.font == .b ? "b" : "a")
                    case .barcode(let data):
                        writer.member("kind", "barcode")
                        writer.member("data", data)
                    case .qr(let data):
                        writer.member("kind", "qr")
                        writer.member("data", data)
                    case .feed(let lines):
                        writer.member("kind", "feed")
                        writer.member("lines", lines)
                    case .cut:
                        writer.member("kind", "cut")
                    case .beep:
                        writer.member("kind", "beep")
                    }
                }
            }
        }
        return Data(writer.bytes)
    }

    /// Runs the peer on the same document and prints its bytes beside the encoder's choice.
    static func peerTable(document: ReceiptDocument, python: String, peers: String, ours: [String: Int]) {
        print("The same document through python-escpos (`\(peers)/escpos_receipt.py --document`):\n")
        let file = NSTemporaryDirectory() + "receipt-bytes-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = ChildProcess(
            "/usr/bin/env", [python, peers + "/escpos_receipt.py", "--document", file, "--json"])
        let output = Pipe()
        let errors = Pipe()
        do {
            try json(document).write(to: URL(fileURLWithPath: file))
            process.standardOutput = .descriptor(output.fileHandleForWriting.fileDescriptor)
            process.standardError = .descriptor(errors.fileHandleForWriting.fileDescriptor)
            try process.run()
            try? output.fileHandleForWriting.close()
            try? errors.fileHandleForWriting.close()
        } catch {
            print("python-escpos not run: \(error)")
            return
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.exitStatus == 0,
            let results = try? JSONDocumentDecoder().decode([String: PeerReceiptResult].self, from: Array(data))
        else {
            let last = problem.split(separator: "\n").last.map(String.init) ?? "exit \(process.exitStatus)"
            print("python-escpos not run (\(last)); install it: pip install python-escpos, then --python PATH")
            return
        }
        print(
            "| python-escpos profile | bytes | wire s @ 9600 | wire s @ 115200 | text lines intact | ours (encoder's choice) |"
        )
        print("|---|---|---|---|---|---|")
        for (peer, mine) in peerProfiles {
            guard let result = results[peer], let bytes = result.bytes else { continue }
            let intact = "\(result.intact ?? 0) of \(result.lines ?? 0)"
            let notes = (result.notes ?? []).joined(separator: "; ")
            let ourText = mine.flatMap { name in ours[name].map { "\(name): \($0)" } } ?? "—"
            print(
                "| \(peer) | \(bytes) | \(String(format: "%.2f", Double(bytes) * 10 / 9600)) | "
                    + "\(String(format: "%.3f", Double(bytes) * 10 / 115_200)) | \(intact)"
                    + "\(notes.isEmpty ? "" : " (\(notes))") | \(ourText) |")
        }
    }
}

/// One python-escpos profile's result as the peer script reports it.
private struct PeerReceiptResult: Decodable {
    var bytes: Int?
    var intact: Int?
    var lines: Int?
    var notes: [String]?
}
