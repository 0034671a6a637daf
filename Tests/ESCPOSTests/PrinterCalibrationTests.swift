import Foundation
import Testing

@testable import ESCPOS

@Suite("printer calibration")
struct PrinterCalibrationTests {
    static let printers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Hardware/printers").path

    static func shipped() throws -> [PrinterProfile] {
        try FileManager.default.contentsOfDirectory(atPath: printers).filter { $0.hasSuffix(".conf") }.sorted()
            .map { try PrinterProfile.load(named: String($0.dropLast(5)), from: printers) }
    }

    @Test("every Vietnamese page number of every shipped profile is a candidate, both CP1258 forms")
    func candidates() throws {
        let all = CalibrationCandidate.all(knownFrom: try Self.shipped())
        for page: UInt8 in [27, 35, 52] {
            #expect(all.contains(.cp1258(page: page, composes: true)))
            #expect(all.contains(.cp1258(page: page, composes: false)))
        }
        #expect(all.contains(.tcvn3(lower: 30, upper: 31)))
        #expect(all.suffix(2) == [.userDefined, .raster])
        for candidate in all { #expect(CalibrationCandidate(code: candidate.code) == candidate) }
        #expect(CalibrationCandidate(code: "CAL:T:CP1258-999-C") == nil)
        #expect(PrinterCalibration.Answer(scan: "CAL:CUT:partial") == .cut(.partial))
        #expect(PrinterCalibration.Answer(scan: "CAL:BUZ:no") == .buzzer(false))
        #expect(PrinterCalibration.Answer(scan: "1.001234") == nil)
    }

    @Test(
        "on a printer with CP1258 at 27, the line under CAL:T:CP1258-27-P reads right; the profile written from the answers prints it"
    )
    func sheetOnARealPage() throws {
        let truth = try PrinterProfile.load(named: "zjiang-pos5890", from: Self.printers)
        // An uncalibrated printer: what the kiosk knows before (no Vietnamese page).
        var base = truth
        base.codePages = [.cp437: 0]
        base.userDefinedCells = [:]
        let candidates = CalibrationCandidate.all(knownFrom: try Self.shipped())
        let rendered = ESCPOSInterpreter.interpret(
            PrinterCalibration.sheet(base: base, candidates: candidates), profile: truth)
        let transcript = rendered.transcript
        let lines = transcript.split(separator: "\n").map(String.init)
        let label = try #require(lines.firstIndex { $0.contains("CAL:T:CP1258-27-P") }, "\(transcript)")
        let precomposed = PrinterCalibration.precomposedSample
        #expect(lines[(label + 1)...].first { !$0.isEmpty }?.contains(precomposed) == true, "\(transcript)")
        // A page the printer does not have under that number does not read right.
        let wrong = try #require(lines.firstIndex { $0.contains("CAL:T:CP1258-52-P") })
        #expect(lines[(wrong + 1)...].first { !$0.isEmpty }?.contains(precomposed) == false)
        for code in ["CAL:CUT:partial", "CAL:CUT:yes", "CAL:CUT:no", "CAL:BUZ:yes", "CAL:BUZ:no"] {
            #expect(transcript.contains(code))
        }

        let calibrated = PrinterCalibration.profile(
            base: base, text: .cp1258(page: 27, composes: false), cut: .partial, buzzer: false)
        let text = calibrated.confText(comment: ["Written by kioskctl calibrate"])
        let parsed = try PrinterProfile.parse(text, name: calibrated.name)
        #expect(parsed == calibrated)
        #expect(text.contains("CP1258=27") && text.contains("CP1258Composes=no"))
        let confirmation = ESCPOSInterpreter.interpret(
            PrinterCalibration.confirmation(
                parsed, text: .cp1258(page: 27, composes: false), file: "/etc/kiosk/printer.local.conf"),
            profile: truth)
        #expect(confirmation.transcript.contains("PRINTER CALIBRATED"))
        #expect(confirmation.transcript.contains("CP1258 page 27, precomposed only"))
        #expect(confirmation.transcript.contains(precomposed), "\(confirmation.transcript)")
    }
}
