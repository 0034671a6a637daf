import Foundation
import KioskDevices
import KioskEmulators
import KioskSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("serial-mode scanner")
struct SerialScannerTests {
    func decode(_ chunks: [[UInt8]]) -> [SerialScanDecoder.Output] {
        var decoder = SerialScanDecoder()
        var outputs: [SerialScanDecoder.Output] = []
        for chunk in chunks { decoder.feed(chunk, into: &outputs) }
        return outputs
    }

    @Test("CR, LF and CRLF each end one scan; UTF-8 split across reads is whole")
    func lineEnds() {
        let name = Array("Nguyễn".utf8)
        let outputs = decode([
            Array("A1\r".utf8), Array("B2\n".utf8), Array("C3\r\n".utf8), Array(name[0..<5]),
            Array(name[5...]) + [0x0D],
        ])
        #expect(outputs == [.scan("A1"), .scan("B2"), .scan("C3"), .scan("Nguyễn")])
    }

    @Test("invalid UTF-8 is replaced and reported; too long is dropped with its line")
    func invalidAndLong() {
        #expect(decode([[0x41, 0xFF, 0x42, 0x0D]]) == [.invalidUTF8, .scan("A\u{FFFD}B")])
        let long = [UInt8](repeating: 0x41, count: 20_000) + [0x0A] + Array("ok\n".utf8)
        #expect(decode([long]) == [.dropped(.tooLong(characters: 20_000)), .scan("ok")])
        let scalars = Array(String(repeating: "ệ", count: 4097).utf8) + [0x0A]
        #expect(decode([scalars]) == [.dropped(.tooLong(characters: 4097))])
    }

    @Test("through a pseudo-terminal: scans, invalid UTF-8 warned, hang-up reported missing")
    func overPseudoTerminal() async throws {
        let pty = try PseudoTerminal()
        let rig = try ScannerRig(mode: .serial, device: pty.slavePath)
        #expect(await rig.waitFor { $0.first == .state(.ok(nil)) })
        for chunk in ["EA123456785VN\r", "1.001234\n", "KIOSK:CLERK\r\n", "Nguy", "ễn\r"] {
            _ = pty.writeMaster(Array(chunk.utf8))
            usleep(2_000)
        }
        _ = pty.writeMaster([0x58, 0xC3, 0x28, 0x0A])
        let scans = await rig.waitForScans(5)
        #expect(scans == ["EA123456785VN", "1.001234", "KIOSK:CLERK", "Nguyễn", "X\u{FFFD}("])
        #expect(rig.lines.contains { $0.hasPrefix("<4>scanner invalid-utf8") })
        pty.close()
        #expect(await rig.waitFor { $0.contains { if case .state(.missing) = $0 { true } else { false } } })
        await rig.shutDown()
    }
}
