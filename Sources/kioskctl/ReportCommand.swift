import KioskSystem

enum ReportCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 { ExitCode.ok }
}
