import KioskConfig
import Testing

@Suite struct KioskConfigurationTests {
    @Test func onlyIdAndOfficeGiveEveryDefault() throws {
        let config = try KioskConfiguration.parse(text: minimalConfig(), file: "/etc/kiosk/kiosk.conf")
        #expect(config.kiosk.id == "YB-VANYEN-01")
        #expect(config.kiosk.office == "Bưu điện huyện Văn Yên")
        #expect(config.kiosk.stateDirectory == "/var/lib/kiosk")
        #expect(config.kiosk.procedures == "/etc/kiosk/procedures.conf")
        #expect(config.kiosk.holidays == nil)
        #expect(config.kiosk.retentionDays == 90)
        #expect(config.kiosk.logLevel == .info)
        #expect(config.kiosk.codePrefix == "YBVANYEN")
        #expect(config.printer.device == "/dev/kiosk-printer")
        #expect(config.printer.baud == 115200)
        #expect(config.printer.flowControl == .rtscts)
        #expect(config.printer.profile == "generic-80mm")
        #expect(config.printer.status == true)
        #expect(config.scanner.device == "/dev/kiosk-scanner")
        #expect(config.scanner.mode == .evdev)
        #expect(config.scanner.keymap == "us")
        #expect(config.scanner.grab == true)
        #expect(config.scanner.scanTimeout == .milliseconds(80))
        #expect(config.central.url == nil)
        #expect(config.central.keyFile == "/etc/kiosk/central.key")
        #expect(config.central.caFile == nil)
        #expect(config.central.certificate == nil)
        #expect(config.central.privateKey == nil)
        #expect(config.central.batchSize == 100)
        #expect(config.central.timeout == .seconds(15))
        #expect(config.central.pollUpdates == .seconds(300))
        #expect(config.control.socket == "/run/kiosk/control.sock")
        #expect(config.control.group == "kiosk-tech")
        #expect(config.control.technicianCodes == false)
        // The programmatic defaults are the same as the file's.
        #expect(config == KioskConfiguration(kiosk: .init(id: "YB-VANYEN-01", office: "Bưu điện huyện Văn Yên")))
    }

    @Test func readsEveryKey() throws {
        let text = """
            [Kiosk]
            Id = YB-TRANYEN-02
            Office=Bưu điện huyện Trấn Yên   # printed on receipts
            StateDirectory=state
            Procedures=catalog/procedures.conf
            Holidays=/etc/kiosk/holidays.conf
            RetentionDays=30
            LogLevel=debug
            CodePrefix=TY02
            [Printer]
            Device=/dev/ttyUSB0
            Baud=9600
            FlowControl=xonxoff
            Profile=epson-tm-t20iii
            Status=off
            [Scanner]
            Device=/dev/ttyACM0
            Mode=serial
            Keymap=vn
            Grab=false
            ScanTimeout=120ms
            [Central]
            URL=https://central.example.vn/kiosk
            KeyFile=central.key
            CAFile=/etc/kiosk/ca.pem
            Certificate=/etc/kiosk/client.pem
            PrivateKey=/etc/kiosk/client.key
            BatchSize=500
            Timeout=30s
            PollUpdates=1h
            [Control]
            Socket=/run/kiosk/ctl.sock
            Group=post_tech
            TechnicianCodes=1
            """
        let config = try KioskConfiguration.parse(text: text, file: "/srv/kiosk/kiosk.conf")
        #expect(config.kiosk.id == "YB-TRANYEN-02")
        #expect(config.kiosk.office == "Bưu điện huyện Trấn Yên")
        #expect(config.kiosk.stateDirectory == "/srv/kiosk/state")
        #expect(config.kiosk.procedures == "/srv/kiosk/catalog/procedures.conf")
        #expect(config.kiosk.holidays == "/etc/kiosk/holidays.conf")
        #expect(config.kiosk.retentionDays == 30)
        #expect(config.kiosk.logLevel == .debug)
        #expect(config.kiosk.codePrefix == "TY02")
        #expect(
            config.printer
                == .init(
                    device: "/dev/ttyUSB0", baud: 9600, flowControl: .xonxoff, profile: "epson-tm-t20iii", status: false
                ))
        #expect(
            config.scanner
                == .init(
                    device: "/dev/ttyACM0", mode: .serial, keymap: "vn", grab: false, scanTimeout: .milliseconds(120)))
        #expect(config.central.url == "https://central.example.vn/kiosk")
        #expect(config.central.keyFile == "/srv/kiosk/central.key")
        #expect(config.central.caFile == "/etc/kiosk/ca.pem")
        #expect(config.central.certificate == "/etc/kiosk/client.pem")
        #expect(config.central.privateKey == "/etc/kiosk/client.key")
        #expect(config.central.batchSize == 500)
        #expect(config.central.timeout == .seconds(30))
        #expect(config.central.pollUpdates == .seconds(3600))
        #expect(config.control == .init(socket: "/run/kiosk/ctl.sock", group: "post_tech", technicianCodes: true))
    }

    @Test func missingRequiredKeyNamesTheSectionHeader() {
        let found = kioskDiagnostics("# kiosk\n\n[Kiosk]\nId=YB-VANYEN-01\n")
        #expect(found.count == 1)
        let first = found.first
        #expect(first?.file == "/etc/kiosk/kiosk.conf")
        #expect(first?.line == 3)
        #expect(first?.section == "Kiosk")
        #expect(first?.key == "Office")
        #expect(
            first?.description
                == "/etc/kiosk/kiosk.conf:3: [Kiosk] Office: required key is missing; add Office=<post office name>")
    }

    @Test func missingSectionIsReportedAtEndOfFile() {
        let found = kioskDiagnostics("[Printer]\nBaud=9600\n\n")
        #expect(found.map(\.key) == ["Id", "Office"])
        #expect(found.allSatisfy { $0.line == 3 && $0.section == "Kiosk" })
        #expect(found.first?.message.contains("there is no [Kiosk] section") == true)
    }

    @Test func emptyRequiredValueIsAnError() {
        let found = kioskDiagnostics("[Kiosk]\nId=                      # required\nOffice=Bưu điện\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 2)
        #expect(found.first?.key == "Id")
        #expect(found.first?.message.hasPrefix("required, but empty") == true)
    }

    @Test func unknownSectionSuggestsTheNearestName() {
        let found = kioskDiagnostics(minimalConfig("[Printr]\nBaud=9600\n[Modem]\nSpeed=1\n"))
        #expect(found.count == 2)
        #expect(found[0].line == 4)
        #expect(found[0].section == "Printr")
        #expect(found[0].description == "/etc/kiosk/kiosk.conf:4: [Printr]: unknown section; did you mean [Printer]?")
        #expect(found[1].line == 6)
        #expect(found[1].message.contains("[Kiosk], [Printer], [Scanner], [Central], [Control]"))
    }

    @Test func unknownKeySuggestsTheNearestKey() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nBaudRate=9600\nflowcontrol=none\nColour=red\n"))
        #expect(found.count == 3)
        #expect(
            found[0].description == "/etc/kiosk/kiosk.conf:5: [Printer] BaudRate=9600: unknown key; did you mean Baud?")
        #expect(found[1].line == 6)
        #expect(found[1].message == "unknown key; did you mean FlowControl?")
        #expect(found[2].line == 7)
        #expect(found[2].message == "unknown key; [Printer] takes Device, Baud, FlowControl, Profile, Status")
    }

    @Test func badBaudListsTheSupportedRates() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nBaud=12345\n"))
        #expect(
            found.map(\.description) == [
                "/etc/kiosk/kiosk.conf:5: [Printer] Baud=12345: not a supported baud rate; use one of 9600, 19200, 38400, 57600, 115200, 230400"
            ])
    }

    @Test(arguments: ["maybe", "Y", "2", ""])
    func badBoolean(value: String) {
        let found = kioskDiagnostics(minimalConfig("[Scanner]\nGrab=\(value)\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.section == "Scanner")
        #expect(found.first?.key == "Grab")
        #expect(found.first?.message == "not a boolean; use yes or no (also true/false, on/off, 1/0)")
    }

    @Test(arguments: ["YES", "On", "TRUE", "1"])
    func booleansIgnoreCase(value: String) throws {
        let config = try KioskConfiguration.parse(
            text: minimalConfig("[Control]\nTechnicianCodes=\(value)\n"), file: "k")
        #expect(config.control.technicianCodes)
    }

    @Test(arguments: ["yb-vanyen-01", "AB", "YB_VANYEN", "YB VANYEN", String(repeating: "A", count: 33), "YÊN-BÁI"])
    func badId(id: String) {
        let found = kioskDiagnostics("[Kiosk]\nOffice=Bưu điện\nId=\(id)\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 3)
        #expect(found.first?.key == "Id")
        #expect(found.first?.message.contains("3 to 32 of A-Z, 0-9 and -") == true)
    }

    @Test func idWithoutEnoughCharactersForAPrefixAsksForCodePrefix() throws {
        let found = kioskDiagnostics("[Kiosk]\nId=A--\nOffice=Bưu điện\n")
        #expect(found.count == 1)
        #expect(found.first?.key == "Id")
        #expect(found.first?.message.contains("set CodePrefix=") == true)
        let fixed = try KioskConfiguration.parse(text: "[Kiosk]\nId=A--\nOffice=Bưu điện\nCodePrefix=AX\n", file: "k")
        #expect(fixed.kiosk.codePrefix == "AX")
        let long = try KioskConfiguration.parse(text: "[Kiosk]\nId=YB-VANYEN-BUUCUC-01\nOffice=B\n", file: "k")
        #expect(long.kiosk.codePrefix == "YBVANYEN")
    }

    @Test func badCodePrefixAndRetentionAndLogLevel() {
        let found = kioskDiagnostics(minimalConfig("CodePrefix=yb\nRetentionDays=0\nLogLevel=warn\n"))
        #expect(found.map(\.key) == ["CodePrefix", "RetentionDays", "LogLevel"])
        #expect(found.map(\.line) == [4, 5, 6])
        #expect(found[1].message == "out of range; use a number in 1…3650 days")
        #expect(found[2].message == "not one of debug, info, notice, warning, error; did you mean warning?")
    }

    @Test func repeatedKeyNamesTheFirstLine() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nBaud=9600\nStatus=no\nBaud=19200\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 7)
        #expect(found.first?.key == "Baud")
        #expect(
            found.first?.description
                == "/etc/kiosk/kiosk.conf:7: [Printer] Baud=19200: repeated; the first Baud= is at line 5: keep one")
    }

    @Test func repeatedSectionNamesTheFirstLine() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nBaud=9600\n[Printer]\nBaud=19200\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 6)
        #expect(found.first?.section == "Printer")
        #expect(found.first?.message.contains("first [Printer] is at line 4") == true)
    }

    @Test(arguments: [
        "http://central.example.vn", "http://10.0.0.5:8080", "http://128.0.0.1", "http://127.0.0.1.example.vn",
        "http://localhost.example.vn", "http://[::2]",
    ])
    func plainHttpToANonLoopbackHostIsRefused(url: String) {
        let found = kioskDiagnostics(minimalConfig("[Central]\nURL=\(url)\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.key == "URL")
        #expect(
            found.first?.message.hasPrefix("plain http:// is allowed only to loopback (127.0.0.0/8, localhost, [::1])")
                == true, "\(url): \(found.first?.message ?? "")")
    }

    @Test(arguments: [
        "http://127.0.0.1:8480", "http://127.8.9.10/x", "http://localhost:9000", "http://[::1]:8480",
        "https://central.example.vn", "HTTPS://central.example.vn:8443/kiosk/", "https://10.0.0.5",
    ])
    func acceptedCentralURLs(url: String) throws {
        let config = try KioskConfiguration.parse(text: minimalConfig("[Central]\nURL=\(url)\n"), file: "k")
        #expect(config.central.url == url)
    }

    @Test(arguments: [
        "ftp://central.example.vn", "central.example.vn", "https://", "https://user:pw@central.example.vn",
        "https://central.example.vn:99999", "https://central.example.vn/?a=1", "https://bad host",
        "https://[::1", "https://ví-dụ.vn",
    ])
    func malformedCentralURLs(url: String) {
        let found = kioskDiagnostics(minimalConfig("[Central]\nURL=\(url)\n"))
        #expect(found.map(\.key) == ["URL"], "\(url)")
    }

    @Test func certificateWithoutPrivateKey() {
        let found = kioskDiagnostics(
            minimalConfig("[Central]\nURL=https://c.example.vn\nCertificate=/etc/kiosk/client.pem\nPrivateKey=\n"))
        #expect(found.count == 1)
        #expect(found.first?.line == 6)
        #expect(found.first?.key == "Certificate")
        #expect(found.first?.message == "PrivateKey= is not set; mutual TLS needs both or neither")
        let reverse = kioskDiagnostics(minimalConfig("[Central]\nPrivateKey=/etc/kiosk/client.key\n"))
        #expect(reverse.map(\.key) == ["PrivateKey"])
    }

    @Test func batchSizeRange() {
        #expect(kioskDiagnostics(minimalConfig("[Central]\nBatchSize=501\n")).map(\.key) == ["BatchSize"])
        #expect(kioskDiagnostics(minimalConfig("[Central]\nBatchSize=0\n")).map(\.key) == ["BatchSize"])
        #expect(kioskDiagnostics(minimalConfig("[Central]\nBatchSize=1\n")).isEmpty)
    }

    @Test func badChoicesSuggest() {
        let found = kioskDiagnostics(minimalConfig("[Printer]\nFlowControl=rts/cts\n[Scanner]\nMode=hid\n"))
        #expect(found.count == 2)
        #expect(found[0].message == "not one of none, rtscts, xonxoff; did you mean rtscts?")
        #expect(found[1].message.hasPrefix("not one of evdev, serial, hidpos"))
    }

    @Test func everyProblemIsReportedInLineOrder() {
        let text = """
            [Kiosk]
            Id=bad id
            [Printer]
            Baud=12345
            Status=maybe
            [Scanner]
            ScanTimeout=80
            Grab=yes
            Grab=no
            [Central]
            URL=http://central.example.vn
            Certificate=/etc/kiosk/client.pem
            [Contrl]
            """
        let found = kioskDiagnostics(text)
        #expect(found.map(\.line) == [1, 2, 4, 5, 7, 9, 11, 12, 13])
        #expect(
            found.map(\.key) == ["Office", "Id", "Baud", "Status", "ScanTimeout", "Grab", "URL", "Certificate", nil])
        #expect(found.last?.message == "unknown section; did you mean [Control]?")
    }

    @Test func thrownErrorsPrintOneDiagnosticALine() {
        do {
            _ = try KioskConfiguration.parse(text: "[Kiosk]\nId=x\n", file: "k.conf")
            Issue.record("parsed a bad file")
        } catch {
            #expect(
                error.description
                    == "k.conf:1: [Kiosk] Office: required key is missing; add Office=<post office name>\n"
                    + "k.conf:2: [Kiosk] Id=x: not a kiosk id; use 3 to 32 of A-Z, 0-9 and -, e.g. YB-VANYEN-01 (capitals only)"
            )
        }
    }

    @Test func sectionWithAnArgumentIsRefused() {
        let found = kioskDiagnostics(minimalConfig("[Printer 2]\nBaud=9600\n"))
        #expect(found.map(\.line) == [4])
        #expect(found.first?.section == "Printer 2")
    }

    @Test func textIsNormalizedToPrecomposedForm() throws {
        let decomposed = "Bu\u{031B}u đie\u{0323}\u{0302}n"  // "Bưu điện" as some editors save it
        let config = try KioskConfiguration.parse(text: "[Kiosk]\nId=YB-1\nOffice=\(decomposed)\n", file: "k")
        #expect(Array(config.kiosk.office.unicodeScalars) == Array("Bưu điện".unicodeScalars))
    }

    @Test func logLevelsOrderBySeverity() {
        #expect(LogLevel.debug < .info && LogLevel.warning < .error)
        #expect(LogLevel.notice.syslogPriority == 5)
    }
}
