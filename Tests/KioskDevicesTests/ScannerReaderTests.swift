import Foundation
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The whole reader (thread, poll, decoder, stream) against a FIFO of `input_event` records.
@Suite("scanner reader over a FIFO")
struct ScannerReaderTests {
    @Test("a scan split across reads at odd byte counts arrives whole; not-evdev is a warning")
    func splitAcrossReads() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let us = try ScannerRig.keymap("us")
        let bytes = try keystrokes("EA123456785VN", keymap: us)
        var offset = 0
        // Pieces of 7, 13, 29 … bytes with pauses so each lands in its own read.
        var piece = 7
        while offset < bytes.count {
            let end = min(bytes.count, offset + piece)
            ScannerRig.write(writer, Array(bytes[offset..<end]))
            offset = end
            piece = piece * 2 % 61 + 1
            usleep(300)
        }
        let scans = await rig.waitForScans(1)
        #expect(scans == ["EA123456785VN"])
        let scan = try #require(scans.first, "no scan arrived: the reader log says \(rig.lines)")
        #expect(ScanParser().parse(scan).map(\.kind) == .success("postal-item"))
        #expect(rig.events.first == .state(.ok(nil)))
        #expect(rig.lines.contains { $0.hasPrefix("<4>scanner not-evdev") && $0.contains("reading without grab") })
        await rig.shutDown()
    }

    @Test("SYN_DROPPED mid-scan drops that scan; the next one is exact")
    func synDropped() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let us = try ScannerRig.keymap("us")
        var events = try ScannerKeystrokes(keymap: us).events(for: "KIOSK:CAN", enter: false)
        // Kernel times as a real device's: the same clock as the keystrokes around them.
        let t: Int64 = 1_700_000_000
        events += [
            .key(KeyCode.leftShift, 1, seconds: t), .dropped(seconds: t), .key(30, 1, seconds: t),
            .key(30, 0, seconds: t), .report(seconds: t),
        ]
        events += try ScannerKeystrokes(keymap: us).events(for: "CEL")
        events += try ScannerKeystrokes(keymap: us).events(for: "kiosk:clerk")
        ScannerRig.write(writer, InputEvent.records(events))
        await rig.waitForScans(1)
        #expect(rig.scans == ["kiosk:clerk"])
        #expect(rig.events.contains(.dropped(.eventsLost)))
        #expect(rig.lines.contains { $0.hasPrefix("<4>scanner scan-dropped") && $0.contains("SYN_DROPPED") })
        await rig.shutDown()
    }

    @Test("autorepeat and unknown keys: ignored, unknown keys logged at debug")
    func autorepeatAndUnknownKeys() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let events: [InputEvent] = [
            .key(2, 1), .report(), .key(2, 2), .report(), .key(2, 2), .report(), .key(2, 0), .report(),
            .key(59, 1), .report(), .key(59, 0), .report(),  // F1
            .key(3, 1), .key(3, 0), .report(), .key(28, 1), .key(28, 0), .report(),
        ]
        ScannerRig.write(writer, InputEvent.records(events))
        #expect(await rig.waitForScans(1) == ["12"])
        #expect(rig.lines.contains { $0 == "<7>scanner key-ignored device=\(rig.path) key=KEY_F1" })
        await rig.shutDown()
    }

    @Test("a 10 KB burst with no Enter is dropped with a warning; the next scan is fine")
    func overlongBurst() async throws {
        let rig = try ScannerRig(scanTimeout: .milliseconds(100))
        let writer = try rig.openWriter()
        defer { close(writer) }
        let us = try ScannerRig.keymap("us")
        let burst = String(repeating: "0123456789", count: 1000)
        ScannerRig.write(writer, try keystrokes(burst, keymap: us, enter: false))
        // Ends by the gap; the drop is reported then.
        #expect(await rig.waitFor { $0.contains(.dropped(.tooLong(characters: 10_000))) })
        ScannerRig.write(writer, try keystrokes("1.001234", keymap: us))
        #expect(await rig.waitForScans(1) == ["1.001234"])
        #expect(rig.lines.contains { $0.hasPrefix("<4>scanner scan-dropped") && $0.contains("10000 characters") })
        // Never the scanned text in a log line.
        #expect(!rig.lines.contains { $0.contains("0123456789") || $0.contains("1.001234") })
        await rig.shutDown()
    }

    @Test("random bytes: no crash, the device stays ok; after a resync the next scan is exact")
    func randomBytes() async throws {
        let rig = try ScannerRig(scanTimeout: .milliseconds(100))
        let writer = try rig.openWriter()
        defer { close(writer) }
        var generator = SystemRandomNumberGenerator()
        var garbage = (0..<(InputEvent.recordSize * 4000)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // A third of the records made to look like key events, so the decoder's paths are hit.
        for i in stride(from: 0, to: 4000, by: 3) {
            let event = InputEvent.key(UInt16.random(in: 0...120), Int32.random(in: 0...2))
            garbage.replaceSubrange(i * InputEvent.recordSize..<(i + 1) * InputEvent.recordSize, with: event.record)
        }
        ScannerRig.write(writer, garbage)
        ScannerRig.write(writer, InputEvent.records([.dropped(), .report(), .key(28, 1), .key(28, 0), .report()]))
        try await Task.sleep(for: .milliseconds(250))
        let before = rig.scans.count
        ScannerRig.write(writer, try keystrokes("KIOSK:STATUS", keymap: try ScannerRig.keymap("us")))
        await rig.waitForScans(before + 1)
        #expect(rig.scans.last == "KIOSK:STATUS")
        #expect(!rig.events.contains { if case .state(.missing) = $0 { true } else { false } })
        await rig.shutDown()
    }

    @Test("a torn input_event record (a writer died mid-record) is discarded: later records read whole again")
    func tornRecord() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let us = try ScannerRig.keymap("us")
        ScannerRig.write(writer, Array(InputEvent.key(30, 1).record.prefix(10)))
        #expect(await rig.waitForLine { $0.hasPrefix("<4>scanner record-torn") && $0.contains("bytes=10") })
        ScannerRig.write(writer, try keystrokes("KIOSK:STATUS", keymap: us))
        #expect(await rig.waitForScans(1) == ["KIOSK:STATUS"])
        await rig.shutDown()
    }

    @Test("the second layout (de) through the reader")
    func germanLayout() async throws {
        let rig = try ScannerRig(keymap: "de")
        let writer = try rig.openWriter()
        defer { close(writer) }
        let de = try ScannerRig.keymap("de")
        let day = try #require(CalendarDay(iso: "2026-11-21"))
        let code = try #require(
            (1...500).lazy.compactMap { TrackingCode(prefix: "YBVY01", day: day, sequence: $0) }.first {
                $0.checkCharacter == "*"
            })
        ScannerRig.write(writer, try keystrokes(code.description, keymap: de, altCodes: .never))
        let scans = await rig.waitForScans(1)
        #expect(scans == [code.description])
        let scan = try #require(scans.first, "no scan arrived: the reader log says \(rig.lines)")
        #expect(ScanParser().parse(scan) == .success(.trackingCode(code)))
        await rig.shutDown()
    }

    @Test("the recorded ID-card capture: Vietnamese Alt codes decode scalar by scalar")
    func recordedIDCard() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let capture = try #require(
            FileManager.default.contents(
                atPath: ScannerRig.repositoryRoot + "/Hardware/captures/idcard-altcodes-us.events"))
        #expect(capture.count % InputEvent.recordSize == 0)
        ScannerRig.write(writer, Array(capture))
        let scans = await rig.waitForScans(1)
        let expected = CaptureSamples.idCard
        #expect(scans.count == 1)
        #expect(Array(scans.first?.unicodeScalars ?? "".unicodeScalars) == Array(expected.unicodeScalars))
        guard case .success(.idCard(let card)) = ScanParser().parse(scans.first ?? "") else {
            Issue.record("the capture does not parse as an ID card")
            return
        }
        #expect(Array(card.applicant.name.unicodeScalars) == Array(CaptureSamples.idCardName.unicodeScalars))
        #expect(card.applicant.maskedIdNumber.hasSuffix("2345"))
        await rig.shutDown()
    }

    @Test("the recorded CODE128 capture: Shift for capitals and the * check character")
    func recordedCode128() async throws {
        let rig = try ScannerRig()
        let writer = try rig.openWriter()
        defer { close(writer) }
        let capture = try #require(
            FileManager.default.contents(
                atPath: ScannerRig.repositoryRoot + "/Hardware/captures/code128-tracking-us.events"))
        ScannerRig.write(writer, Array(capture))
        let scans = await rig.waitForScans(1)
        #expect(scans == [CaptureSamples.trackingCode])
        #expect(ScanParser().parse(scans.first ?? "").map(\.kind) == .success("tracking-code"))
        await rig.shutDown()
    }

    @Test("ScanTimeout: a gap ends a scan that has no Enter")
    func gapFraming() async throws {
        let rig = try ScannerRig(scanTimeout: .milliseconds(60))
        let writer = try rig.openWriter()
        defer { close(writer) }
        let us = try ScannerRig.keymap("us")
        ScannerRig.write(writer, try keystrokes("1.001234", keymap: us, enter: false))
        #expect(await rig.waitForScans(1) == ["1.001234"])
        ScannerRig.write(writer, try keystrokes("1.000999", keymap: us, enter: false))
        #expect(await rig.waitForScans(2) == ["1.001234", "1.000999"])
        await rig.shutDown()
    }
}

/// The texts of `Hardware/captures/` (made by `kiosk-bench make-capture`, see its README).
enum CaptureSamples {
    static let idCardName = "Nguy\u{1EC5}n Th\u{1ECB} \u{00C1}nh Tuy\u{1EBF}t"
    static let idCard =
        "001190012345|012345678|\(idCardName)|01011990|N\u{1EEF}|S\u{1ED1} 1 Ph\u{1ED1} Hu\u{1EBF}, Hai B\u{00E0} Tr\u{01B0}ng, H\u{00E0} N\u{1ED9}i|15082021"
    static let trackingCode = "YBVY01-261121-0019-*"
}
