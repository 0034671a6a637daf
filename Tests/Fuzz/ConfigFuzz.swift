// Fuzz targets `kiosk-config`, `procedure-catalog`, `holiday-list`: the three configuration
// parsers of KioskConfig on any bytes (invalid UTF-8 included). Built by .ci/fuzz.sh with
// `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

import KioskConfig

/// A refusal must name at least one problem, each on a line of the file (0: the whole file),
/// and read as one line of text per problem.
private func checkRefusal(_ errors: ConfigurationErrors, bytes: UnsafeRawBufferPointer) {
    guard !errors.diagnostics.isEmpty else { fatalError("refused without a diagnostic") }
    let lines = bytes.count(where: { $0 == 0x0A }) + 1
    for diagnostic in errors.diagnostics {
        guard (0...lines).contains(diagnostic.line) else {
            fatalError("diagnostic on line \(diagnostic.line) of a \(lines)-line file")
        }
        guard !diagnostic.message.isEmpty, !diagnostic.description.contains("\n") else {
            fatalError("empty or multi-line diagnostic")
        }
    }
}

func fuzzKioskConfiguration(_ bytes: UnsafeRawBufferPointer) {
    do {
        let configuration = try KioskConfiguration.parse(bytes: Array(bytes), file: "/etc/kiosk/kiosk.conf")
        _ = String(describing: configuration)
    } catch {
        checkRefusal(error, bytes: bytes)
    }
}

func fuzzProcedureCatalog(_ bytes: UnsafeRawBufferPointer) {
    do {
        let catalog = try ProcedureCatalog.parse(bytes: Array(bytes), file: "procedures.conf")
        guard !catalog.procedures.isEmpty else { fatalError("an empty catalog was accepted") }
        for procedure in catalog.procedures where catalog.procedure(code: procedure.code) == nil {
            fatalError("a procedure of the catalog is not found by its code")
        }
    } catch {
        checkRefusal(error, bytes: bytes)
    }
}

func fuzzHolidayList(_ bytes: UnsafeRawBufferPointer) {
    do {
        let list = try HolidayList.parse(bytes: Array(bytes), file: "holidays.conf")
        // `work` may mark any day (issue 15), but never the same day as `off`.
        guard list.days.isDisjoint(with: list.workingDays) else { fatalError("a day both holiday and worked") }
    } catch {
        checkRefusal(error, bytes: bytes)
    }
}
