import KioskSystem

/// `kioskctl lookup CODE [--print] [--json]`: a dossier's status as the running service knows
/// it (masked ID only); `--print` also prints the status slip at the kiosk.
enum LookupCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 {
        let printSlip = arguments.flag("--print")
        let endpoint = try ServiceConnection.endpoint(&arguments)
        guard let code = arguments.next() else {
            throw ArgumentList.UsageError("lookup needs a tracking code: kioskctl lookup CODE")
        }
        try arguments.expectEnd()
        let answer = try ServiceConnection.request(
            .object(["request": .string("lookup"), "code": .string(code), "print": .bool(printSlip)]),
            endpoint: endpoint)
        if json {
            print(answer.json)
        } else {
            ControlValueText.lines(answer).forEach { print($0) }
        }
        return ExitCode.ok
    }
}
