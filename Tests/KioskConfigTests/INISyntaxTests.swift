import KioskConfig
import Testing

@Suite struct INISyntaxTests {
    @Test func byteOrderMarkAndCRLFAreTolerated() throws {
        let text = "\u{FEFF}[Kiosk]\r\nId=YB-VANYEN-01\r\nOffice=Bưu điện huyện Văn Yên\r\n[Printer]\r\nBaud=9600\r\n"
        let config = try KioskConfiguration.parse(text: text, file: "k.conf")
        #expect(config.kiosk.office == "Bưu điện huyện Văn Yên")
        #expect(config.printer.baud == 9600)
    }

    @Test func commentsBlankLinesAndTrimming() throws {
        let text = """
            # a comment
            ; another comment

            [Kiosk]   # the header may carry a comment too
              Id   =   YB-VANYEN-01\t
            Office=Bưu điện # Văn Yên
            [Central]
            URL=https://central.example.vn/kiosk#x
            """
        let found = kioskDiagnostics(text)
        // `#` with no space before it stays in the value (and a fragment is refused there).
        #expect(found.map(\.key) == ["URL"])
        #expect(found.first?.value == "https://central.example.vn/kiosk#x")
        let config = try KioskConfiguration.parse(text: text.replacingOccurrences(of: "#x", with: ""), file: "k")
        #expect(config.kiosk.id == "YB-VANYEN-01")
        #expect(config.kiosk.office == "Bưu điện")
    }

    @Test func valueMayContainEqualsSigns() throws {
        let config = try KioskConfiguration.parse(text: minimalConfig("[Control]\nSocket=/run/a=b.sock\n"), file: "k")
        #expect(config.control.socket == "/run/a=b.sock")
    }

    @Test func syntaxErrorsNameTheirLines() {
        let text = """
            Id=before-any-section
            [Kiosk]
            Id=YB-VANYEN-01
            Office=Bưu điện
            just words
            =value
            Bad-Key=1
            [Printer
            [Printer] trailing
            []
            """
        let found = kioskDiagnostics(text)
        #expect(found.map(\.line) == [1, 5, 6, 7, 8, 9, 10])
        #expect(found[0].message == "Key=Value before any [Section] header")
        #expect(found[1].message == "expected Key=Value, a [Section] header or a # comment")
        #expect(found[2].message == "no key before =")
        #expect(found[4].message == "section header has no closing ]; write [Name]")
        #expect(found[5].message == "text after the section header; put it on a line of its own")
        #expect(found[6].message == "empty section header; write [Name]")
    }

    @Test func invalidUTF8NamesTheLine() throws {
        var bytes = Array("[Kiosk]\nId=YB-VANYEN-01\nOffice=B".utf8)
        bytes += [0xC6, 0x28]  // a lead byte followed by an ASCII byte
        bytes += Array("u điện\n[Printer]\nBaud=12345\n".utf8)
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/kiosk.conf"
        try write(bytes, to: path)
        let found = diagnostics { () throws(ConfigurationErrors) in try KioskConfiguration.load(path: path) }
        #expect(found.count == 3)
        // The undecodable line is left out, so Office is missing too (reported at the header).
        #expect(
            found[0].description == "\(path):1: [Kiosk] Office: required key is missing; add Office=<post office name>")
        let utf8 = found.first { $0.message.contains("UTF-8") }
        #expect(utf8?.line == 3)
        #expect(utf8?.file == path)
        #expect(utf8?.description == "\(path):3: not valid UTF-8 (byte 0xC6 at column 9); save the file as UTF-8")
        // The rest of the file is still checked.
        #expect(found.contains { $0.line == 5 && $0.key == "Baud" })
    }

    @Test func controlCharactersAreRefused() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nProfile=generic\u{07}-80mm\n"))
        #expect(found.map(\.line) == [5])
        #expect(found.first?.message.contains("U+0007") == true)
    }

    @Test func unreadableFileIsOneDiagnostic() {
        let found = diagnostics { () throws(ConfigurationErrors) in
            try KioskConfiguration.load(path: "/nonexistent/kiosk.conf")
        }
        #expect(found.count == 1)
        #expect(found.first?.line == 0)
        #expect(found.first?.description == "/nonexistent/kiosk.conf: cannot open: No such file or directory")
    }

    @Test func diagnosticsEncodeToJSON() throws {
        let diagnostic = ConfigDiagnostic(
            file: "/etc/kiosk/kiosk.conf", line: 14, section: "Printer", key: "Baud", value: "12345",
            message: "not a supported baud rate")
        let result = ConfigurationCheck.check(path: "/nonexistent/kiosk.conf")
        #expect(
            result.json()
                == #"{"diagnostics":[{"file":"/nonexistent/kiosk.conf","line":0,"message":"cannot open: No such file or directory","text":"/nonexistent/kiosk.conf: cannot open: No such file or directory"}],"file":"/nonexistent/kiosk.conf","filesRead":[],"ok":false}"#
        )
        #expect(diagnostic.description == "/etc/kiosk/kiosk.conf:14: [Printer] Baud=12345: not a supported baud rate")
    }

    @Test func neverCrashesOnArbitraryBytes() {
        // Bytes drawn from a fixed generator: every input parses or reports, none traps.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("[]=#; \t\n\r\u{0}abcKioskIdOffice-0123456789ưđ".utf8) + [0xFF, 0xC3, 0xEF, 0xBB, 0xBF]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 200) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            _ = diagnostics { () throws(ConfigurationErrors) in try KioskConfiguration.parse(bytes: bytes, file: "f") }
            _ = diagnostics { () throws(ConfigurationErrors) in try ProcedureCatalog.parse(bytes: bytes, file: "f") }
            _ = diagnostics { () throws(ConfigurationErrors) in try HolidayList.parse(bytes: bytes, file: "f") }
        }
    }
}
