import Foundation
import KioskConfig
import KioskDomain
import Testing

@Suite struct ConfigurationCheckTests {
    @Test func devExampleAndItsFilesPass() {
        let path = examplesDirectory() + "/kiosk.dev.conf"
        let result = ConfigurationCheck.check(path: path)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.isValid)
        #expect(result.configuration?.kiosk.id == "LC-MAUA-DEV")
        #expect(result.configuration?.kiosk.procedures == examplesDirectory() + "/procedures.conf")
        #expect(result.configuration?.central.url == "http://127.0.0.1:8480")
        #expect(result.catalogFile == examplesDirectory() + "/procedures.conf")
        #expect(result.filesRead.count == 3)
        #expect((result.catalog?.procedures.count ?? 0) >= 10)
        #expect(result.catalog?.procedure(code: "1.001234")?.name == "Cấp Phiếu lý lịch tư pháp")
        #expect(result.holidays?.workingDays.contains(CalendarDay(iso: "2026-01-10")!) == true)
        #expect(result.holidays?.days.contains(CalendarDay(iso: "2026-01-02")!) == true)
        #expect(result.summary.ok && result.summary.procedures == result.catalog?.procedures.count)
    }

    @Test func productionExamplePassesWithItsFilesUnderARoot() throws {
        let root = try temporaryDirectory()
        defer { removeTree(root) }
        try FileManager.default.createDirectory(atPath: root + "/etc/kiosk", withIntermediateDirectories: true)
        for name in ["procedures.conf", "holidays.conf"] {
            try FileManager.default.copyItem(
                atPath: examplesDirectory() + "/" + name, toPath: root + "/etc/kiosk/" + name)
        }
        let result = ConfigurationCheck.check(path: examplesDirectory() + "/kiosk.conf", root: root)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.configuration?.kiosk.id == "LC-MAUA-01")
        #expect(result.configuration?.kiosk.office == "Bưu điện xã Mậu A")
        #expect(result.configuration?.kiosk.procedures == "/etc/kiosk/procedures.conf")
        #expect(result.catalogFile == root + "/etc/kiosk/procedures.conf")
        #expect(result.catalog != nil && result.holidays != nil)
    }

    @Test func productionExampleWithoutItsFilesNamesTheKeyLines() throws {
        let root = try temporaryDirectory()
        defer { removeTree(root) }
        let path = examplesDirectory() + "/kiosk.conf"
        let result = ConfigurationCheck.check(path: path, root: root)
        #expect(result.configuration != nil)
        #expect(result.diagnostics.map(\.key) == ["Procedures", "Holidays"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        for diagnostic in result.diagnostics {
            #expect(lines[diagnostic.line - 1].hasPrefix(diagnostic.key! + "="))
            #expect(diagnostic.message.hasSuffix("cannot open: No such file or directory"))
        }
    }

    @Test func collectsDiagnosticsFromEveryFile() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        try write(
            Array("[Kiosk]\nId=YB-1\nOffice=B\nProcedures=p.conf\nHolidays=h.conf\n[Printer]\nBaud=1\n".utf8),
            to: directory + "/kiosk.conf")
        try write(Array("[Procedure 1.001234]\nName=A\nDays=1\n".utf8), to: directory + "/p.conf")
        try write(Array("2026-13-01\n".utf8), to: directory + "/h.conf")
        let result = ConfigurationCheck.check(path: directory + "/kiosk.conf")
        #expect(!result.isValid)
        #expect(result.configuration == nil)
        #expect(
            result.diagnostics.map(\.file) == [directory + "/kiosk.conf", directory + "/p.conf", directory + "/h.conf"])
        #expect(result.diagnostics.map(\.line) == [7, 1, 1])
        #expect(result.diagnostics.map(\.key) == ["Baud", "Fee", nil])
        #expect(result.text.hasSuffix("3 problems found"))
        let decoded = try JSONDecoder().decode(ConfigurationCheckSummary.self, from: Data(result.json().utf8))
        #expect(decoded == result.summary)
        #expect(decoded.diagnostics.count == 3)
    }

    @Test func relativeConfigPathsResolveAgainstItsDirectory() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        try write(Array("[Kiosk]\nId=YB-1\nOffice=B\nProcedures=p.conf\n".utf8), to: directory + "/kiosk.conf")
        try write(Array("[Procedure 1.001234]\nName=A\nDays=1\nFee=0\n".utf8), to: directory + "/p.conf")
        let result = ConfigurationCheck.check(path: directory + "/kiosk.conf")
        #expect(result.isValid)
        #expect(result.catalogFile == directory + "/p.conf")
        let relative = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=YB-1\nOffice=B\nProcedures=p.conf\n", file: "conf/kiosk.conf")
        #expect(relative.kiosk.procedures == "conf/p.conf")
        let bare = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=YB-1\nOffice=B\nProcedures=p.conf\n", file: "kiosk.conf")
        #expect(bare.kiosk.procedures == "p.conf")
    }
}
