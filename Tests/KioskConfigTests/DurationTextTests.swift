import KioskConfig
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("ScanTimeout=80ms", Duration.milliseconds(80)),
        ("ScanTimeout=15s", Duration.seconds(15)),
        ("ScanTimeout=5min", Duration.seconds(300)),
        ("ScanTimeout=1h", Duration.seconds(3600)),
        ("ScanTimeout=1min 30s", Duration.seconds(90)),
        ("ScanTimeout=1min30s", Duration.seconds(90)),
        ("ScanTimeout=2s 500ms", Duration.milliseconds(2500)),
    ])
    func parses(line: String, expected: Duration) throws {
        let config = try KioskConfiguration.parse(text: minimalConfig("[Scanner]\n\(line)\n"), file: "k.conf")
        #expect(config.scanner.scanTimeout == expected)
    }

    @Test func bareNumberAsksForAUnit() {
        let found = kioskDiagnostics(minimalConfig("[Central]\nTimeout=15\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.key == "Timeout")
        #expect(found.first?.message.contains("needs a unit") == true)
        #expect(
            found.first?.description.hasPrefix("/etc/kiosk/kiosk.conf:5: [Central] Timeout=15: a number needs a unit")
                == true)
    }

    @Test(arguments: ["15sec", "fast", "-5s", "0s", "15 s x", "99999999999999h"])
    func rejects(value: String) {
        let found = kioskDiagnostics(minimalConfig("[Central]\nPollUpdates=\(value)\n"))
        #expect(found.map(\.key) == ["PollUpdates"], "\(value)")
        #expect(found.first?.line == 5)
    }

    @Test func formatsBack() {
        #expect(DurationText.format(.milliseconds(80)) == "80ms")
        #expect(DurationText.format(.seconds(300)) == "5min")
        #expect(DurationText.format(.seconds(90)) == "1min 30s")
        #expect(DurationText.format(.zero) == "0ms")
    }
}
