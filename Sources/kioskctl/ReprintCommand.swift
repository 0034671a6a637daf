import KioskSystem

/// `kioskctl reprint CODE [--json]`: the service prints a dossier's receipt again, marked as
/// a reprint.
enum ReprintCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 {
        let endpoint = try ServiceConnection.endpoint(&arguments)
        guard let code = arguments.next() else {
            throw ArgumentList.UsageError("reprint needs a tracking code: kioskctl reprint CODE")
        }
        try arguments.expectEnd()
        let answer = try ServiceConnection.request(
            .object(["request": .string("reprint"), "code": .string(code)]), endpoint: endpoint)
        if json {
            print(answer.json)
        } else {
            let details = ControlValueText.lines(answer)
            print(details.isEmpty ? "reprint of \(code) sent to the printer" : details.joined(separator: "\n"))
        }
        return ExitCode.ok
    }
}
