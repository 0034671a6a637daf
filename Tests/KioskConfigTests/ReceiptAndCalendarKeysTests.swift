import KioskConfig
import KioskDomain
import Testing

/// Issue 15's configuration: the receipt form's keys and the cut-offs in kiosk.conf, the
/// documents, legal time, sets and same-day cut-off in the catalog.
@Suite struct ReceiptAndCalendarKeysTests {
    @Test func kioskSectionDefaults() throws {
        let kiosk = try KioskConfiguration.parse(text: minimalConfig(), file: "k").kiosk
        #expect(kiosk.cutoff == TimeOfDay(hour: 16, minute: 30))
        #expect(kiosk.officeHours == TimeOfDay(hour: 7, minute: 30)!...TimeOfDay(hour: 17, minute: 0)!)
        #expect(kiosk.receiptCopies == 1)
        #expect(kiosk.unit == nil && kiosk.place == nil)
    }

    @Test func kioskSectionReadsTheFormAndCutOffKeys() throws {
        let text = minimalConfig(
            "Unit=Bưu điện tỉnh Lào Cai\nPlace=Lào Cai\nCutoff=16:00\nOfficeHours=07:00-16:30\nCopies=2\n")
        let kiosk = try KioskConfiguration.parse(text: text, file: "k").kiosk
        #expect(kiosk.unit == "Bưu điện tỉnh Lào Cai")
        #expect(kiosk.place == "Lào Cai")
        #expect(kiosk.cutoff == TimeOfDay(hour: 16, minute: 0))
        #expect(kiosk.officeHours.lowerBound == TimeOfDay(hour: 7, minute: 0))
        #expect(kiosk.officeHours.upperBound == TimeOfDay(hour: 16, minute: 30))
        #expect(kiosk.receiptCopies == 2)
    }

    @Test func badValuesNameTheKey() {
        let found = kioskDiagnostics(minimalConfig("Cutoff=4pm\nOfficeHours=17:00-07:30\nCopies=3\n"))
        #expect(found.map(\.key) == ["Cutoff", "OfficeHours", "Copies"])
        #expect(found[0].message.contains("HH:MM"))
    }

    @Test func catalogReadsDocumentsLegalDaysSetsAndSameDayCutoff() throws {
        let text = """
            [Procedure 2.000815]
            Name=Chứng thực bản sao từ bản chính
            Days=0
            Fee=2000
            SameDayCutoff=15:00
            LegalDays=1
            Sets=2
            Documents=Bản chính giấy tờ cần chứng thực | original | 1
            Documents=Bản sao cần chứng thực | copy
            Documents=Tờ khai
            """
        let procedure = try #require(try ProcedureCatalog.parse(text: text, file: "p").procedures.first)
        #expect(procedure.sameDayCutoff == TimeOfDay(hour: 15, minute: 0))
        #expect(procedure.legalDays == 1)
        #expect(procedure.sets == 2)
        #expect(
            procedure.documents == [
                DossierDocument(name: "Bản chính giấy tờ cần chứng thực", kind: .original, count: 1),
                DossierDocument(name: "Bản sao cần chứng thực", kind: .copy, count: 1),
                DossierDocument(name: "Tờ khai", kind: .original, count: 1),
            ])
        // LegalDays defaults to Days.
        let plain = try ProcedureCatalog.parse(text: "[Procedure 1.001234]\nName=A\nDays=10\nFee=0\n", file: "p")
        #expect(plain.procedures.first?.legalDays == 10)
        #expect(plain.procedures.first?.documents == [])
    }

    @Test func catalogMistakesAreNamed() {
        let text = """
            [Procedure 1.001234]
            Name=A
            Days=10
            Fee=0
            SameDayCutoff=15:00
            Documents=Tờ khai | scan | 1
            Documents= | copy
            """
        let found = diagnostics { () throws(ConfigurationErrors) in try ProcedureCatalog.parse(text: text, file: "p") }
        #expect(found.map(\.line) == [5, 6, 7])
        #expect(found[0].message.contains("Days=0"))
        #expect(found[1].message.contains("neither original nor copy"))
    }

    @Test func theExampleCatalogLoads() throws {
        let catalog = try ProcedureCatalog.load(path: examplesDirectory() + "/procedures.conf")
        // 1.004222 is đăng ký thường trú, 1.004194 đăng ký tạm trú (issue 15: they were swapped).
        #expect(catalog.procedure(code: "1.004222")?.name == "Đăng ký thường trú")
        #expect(catalog.procedure(code: "1.004194")?.name == "Đăng ký tạm trú")
        #expect(catalog.procedures.allSatisfy { !$0.documents.isEmpty })
    }
}
