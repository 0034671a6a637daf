import KioskConfig
import Testing

@Suite struct ProcedureCatalogTests {
    private func catalogDiagnostics(_ text: String) -> [ConfigDiagnostic] {
        diagnostics { () throws(ConfigurationErrors) in
            try ProcedureCatalog.parse(text: text, file: "/etc/kiosk/procedures.conf")
        }
    }

    @Test func parsesProceduresInFileOrder() throws {
        let text = """
            [Procedure 1.001234]
            Name=Cấp Phiếu lý lịch tư pháp
            Days=10                  # working days to the appointment
            Fee=200000               # VND
            Delivery=post

            [Procedure 2.000635]
            Name=Cấp bản sao trích lục hộ tịch
            Days=0
            Fee=8000
            Delivery=counter

            [Procedure 1.000894]
            Name=Đăng ký kết hôn
            Days=5
            Fee=0
            """
        let catalog = try ProcedureCatalog.parse(text: text, file: "p.conf")
        #expect(catalog.procedures.map(\.code) == ["1.001234", "2.000635", "1.000894"])
        #expect(
            catalog.procedure(code: "1.001234")
                == Procedure(
                    code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp", workingDays: 10, feeVND: 200000,
                    delivery: .post))
        #expect(catalog.procedure(code: "2.000635")?.delivery == .counter)
        #expect(catalog.procedure(code: "1.000894")?.delivery == .post)  // the default
        #expect(catalog.procedure(code: "1.000894")?.ref.name == "Đăng ký kết hôn")
        #expect(catalog.procedure(code: "9.999999") == nil)
    }

    @Test func duplicateCodeNamesBothLines() {
        let text = """
            [Procedure 1.001234]
            Name=A
            Days=1
            Fee=0
            [Procedure 1.001234]
            Name=B
            Days=1
            Fee=0
            """
        let found = catalogDiagnostics(text)
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(
            found.first?.description
                == "/etc/kiosk/procedures.conf:5: [Procedure 1.001234]: section repeated; the first [Procedure 1.001234] is at line 1: merge them into one"
        )
    }

    @Test(arguments: ["1.00123", "1001234", "12.001234", "1.0012345", "A.001234", "1,001234"])
    func badCodeInHeader(code: String) {
        let found = catalogDiagnostics("[Procedure \(code)]\nName=A\nDays=1\nFee=0\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 1)
        #expect(found.first?.message.contains("a digit, a dot and six digits") == true)
    }

    @Test func headerWithoutCodeAndUnknownSection() {
        let found = catalogDiagnostics("[Procedure]\nName=A\n[Procedures 1.001234]\nName=B\n")
        #expect(found.map(\.line) == [1, 3])
        #expect(found[0].message == "needs the national procedure code: [Procedure 1.001234]")
        #expect(found[1].message == "unknown section; did you mean [Procedure 1.001234]?")
    }

    @Test func missingAndBadKeys() {
        let text = """
            [Procedure 1.001234]
            Name=Cấp Phiếu lý lịch tư pháp
            Days=ten
            Fee=200.000
            Delivery=mail
            Dayz=3
            [Procedure 1.000894]
            Days=366
            """
        let found = catalogDiagnostics(text)
        #expect(found.map(\.line) == [3, 4, 5, 6, 7, 7, 8])
        #expect(found.map(\.key) == ["Days", "Fee", "Delivery", "Dayz", "Name", "Fee", "Days"])
        #expect(found[0].section == "Procedure 1.001234")
        #expect(found[1].message.contains("without separators, e.g. 200000"))
        #expect(found[2].message == "not one of post, counter")
        #expect(found[3].message == "unknown key; did you mean Days?")
        #expect(
            found[4].description
                == "/etc/kiosk/procedures.conf:7: [Procedure 1.000894] Name: required key is missing; add Name=<procedure name>"
        )
        #expect(found[6].message == "out of range; use a number in 0…365 working days")
    }

    @Test func emptyCatalogIsAnError() {
        let found = catalogDiagnostics("# nothing yet\n\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 2)
        #expect(found.first?.message.hasPrefix("no procedures") == true)
    }

    @Test func codeShape() {
        #expect(Procedure.isCode("1.001234"))
        #expect(!Procedure.isCode("1.00123a"))
        #expect(!Procedure.isCode("１.001234"))
    }
}
