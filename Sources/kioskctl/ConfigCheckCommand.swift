import KioskConfig
import KioskSystem

/// `kioskctl config check [FILE]`: every problem in kiosk.conf and the files it names.
enum ConfigCheckCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws(ArgumentList.UsageError) -> Int32 {
        let path = arguments.next() ?? "/etc/kiosk/kiosk.conf"
        try arguments.expectEnd()
        let result = ConfigurationCheck.check(path: path)
        print(json ? result.json() : result.text)
        return result.isValid ? ExitCode.ok : ExitCode.configError
    }
}
