import KioskSystem

enum ConfigShowCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 { ExitCode.ok }
}
