import Foundation
import KioskConfig
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl config check`'s run-time facts, judged for the service's user.
@Suite struct RunTimeCheckTests {
    /// The unprivileged user every Debian machine has, standing in for `kiosk`.
    static let nobody = ServiceAccount(
        user: "nobody", group: "nogroup", supplementaryGroups: ["dialout"], stateDirectories: [], writablePaths: [],
        protectsSystem: false, unitFile: nil)

    static func config(in directory: String, _ body: String) throws -> String {
        let path = directory + "/kiosk.conf"
        try write(Array(body.utf8), to: path)
        return path
    }

    static func key(in directory: String, mode: mode_t, group: String? = nil) throws -> String {
        let path = directory + "/central.key"
        try write(Array("e2e-test-key-0123456789abcdef-0123456789abcdef".utf8), to: path)
        #expect(chmod(path, mode) == 0)
        if let group, let gid = getgrnam(group)?.pointee.gr_gid { #expect(chown(path, 0, gid) == 0) }
        return path
    }

    @Test func everyProblemInOnePassWithTheRunTimeFacts() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let key = try Self.key(in: directory, mode: 0o644)
        let longSocket = directory + "/" + String(repeating: "s", count: 100) + "/control.sock"
        let path = try Self.config(
            in: directory,
            minimalConfig(
                """
                StateDirectory=\(directory)/state
                [Printer]
                Device=\(directory)/printer
                Baud=12345
                [Scanner]
                Device=\(directory)/scanner
                [Central]
                URL=http://127.0.0.1:9
                KeyFile=\(key)
                [Control]
                Socket=\(longSocket)
                Group=no-such-group-kiosk

                """))
        let result = ConfigurationCheck.check(path: path, account: Self.nobody)
        let errors = result.diagnostics.map { "\($0.section ?? "").\($0.key ?? "")" }
        // The bad value and every run-time fact, in one pass.
        #expect(errors.contains("Printer.Baud"))
        #expect(errors.contains("Central.KeyFile"))
        #expect(errors.contains("Control.Socket"))
        #expect(errors.contains("Control.Group"))
        #expect(result.diagnostics.contains { $0.key == "KeyFile" && $0.message.contains("mode 0644") })
        #expect(result.diagnostics.contains { $0.key == "Socket" && $0.message.contains("at most 107") })
        #expect(result.diagnostics.first { $0.key == "Socket" }?.line == 14)
        // The state directory: root owns the folder it would be made in, nobody cannot create it.
        if getuid() == 0 {
            #expect(result.diagnostics.contains { $0.key == "StateDirectory" && $0.message.contains("cannot create") })
        }
        // Devices not plugged in are warnings: they may come later.
        #expect(result.warnings.map(\.key) == ["Device", "Device"])
        #expect(!result.isValid)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func aKeyTheServiceUserCannotReadIsAnError() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let key = try Self.key(in: directory, mode: 0o600)
        let path = try Self.config(in: directory, minimalConfig("[Central]\nURL=http://127.0.0.1:9\nKeyFile=\(key)\n"))
        let result = ConfigurationCheck.check(path: path, account: Self.nobody)
        #expect(result.diagnostics.contains { $0.key == "KeyFile" && $0.message.contains("cannot read the key") })
        // root:<the service's group> 0640, as the package sets it: readable by the service, fine.
        var account = Self.nobody
        account.group = "dialout"
        _ = try Self.key(in: directory, mode: 0o640, group: "dialout")
        let fixed = ConfigurationCheck.check(path: path, account: account)
        #expect(!fixed.diagnostics.contains { $0.key == "KeyFile" }, "\(fixed.diagnostics)")
        // Group-readable by another group: refused.
        _ = try Self.key(in: directory, mode: 0o640, group: "input")
        let other = ConfigurationCheck.check(path: path, account: account)
        #expect(other.diagnostics.contains { $0.key == "KeyFile" && $0.message.contains("not kioskd's group dialout") })
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func aStateDirectoryTheServiceUserCannotWriteIsAnError() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        #expect(chmod(directory + "/state", 0o755) == 0)
        let path = try Self.config(in: directory, minimalConfig("StateDirectory=\(directory)/state\n"))
        let result = ConfigurationCheck.check(path: path, account: Self.nobody)
        #expect(
            result.diagnostics.contains { $0.key == "StateDirectory" && $0.message.contains("cannot write in it") })
        // A state directory outside what ProtectSystem=strict leaves writable.
        var sandboxed = Self.nobody
        sandboxed.protectsSystem = true
        sandboxed.stateDirectories = ["/var/lib/kiosk"]
        sandboxed.unitFile = "kioskd.service"
        #expect(
            ConfigurationCheck.check(path: path, account: sandboxed).diagnostics.contains {
                $0.key == "StateDirectory" && $0.message.contains("ProtectSystem=strict")
            })
    }

    /// The device nodes as udev leaves them for the printers and scanners post offices buy open
    /// for the shipped unit's groups: a serial port (dialout 0660), a keyboard-mode scanner's
    /// event node (input 0660), a HID-POS scanner's hidraw node (input 0640, which
    /// 60-kiosk.rules gives it; `.ci/check-systemd.sh` checks the rule), a USB-class printer's
    /// /dev/usb/lpN (lp 0660). Without `lp` in the unit the USB printer is an error.
    @Test(.enabled(if: getuid() == 0, "needs root to give files away"))
    func theShippedUnitsGroupsOpenTheNodesUdevGivesTheDevices() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let unit = examplesDirectory() + "/../../systemd/kioskd.service"
        var account = try #require(ServiceAccount.fromUnit(path: unit))
        // The shipped unit's groups, for a user every machine has (kiosk exists only once installed).
        account.user = "nobody"
        account.group = "nogroup"
        account.stateDirectories = []
        account.protectsSystem = false
        struct Node {
            let group: String
            let mode: mode_t
        }
        struct Kiosk {
            let name: String
            let printer: Node
            let scanner: Node
            let scannerMode: String
        }
        let kiosks = [
            Kiosk(
                name: "serial printer, evdev scanner", printer: Node(group: "dialout", mode: 0o660),
                scanner: Node(group: "input", mode: 0o660), scannerMode: "evdev"),
            Kiosk(
                name: "usblp printer, HID-POS scanner", printer: Node(group: "lp", mode: 0o660),
                scanner: Node(group: "input", mode: 0o640), scannerMode: "hidpos"),
        ]
        /// The `Device` problems config check finds with the nodes made as udev leaves them.
        func deviceProblems(_ kiosk: Kiosk, _ account: ServiceAccount) throws -> [ConfigDiagnostic] {
            for (path, node) in [(directory + "/printer", kiosk.printer), (directory + "/scanner", kiosk.scanner)] {
                unlink(path)
                #expect(mkfifo(path, 0o600) == 0)
                let gid = try #require(getgrnam(node.group)?.pointee.gr_gid, "group \(node.group) on this machine")
                #expect(chown(path, 0, gid) == 0 && chmod(path, node.mode) == 0, "\(kiosk.name)")
            }
            let path = try Self.config(
                in: directory,
                minimalConfig(
                    "[Printer]\nDevice=\(directory)/printer\n[Scanner]\nDevice=\(directory)/scanner\n"
                        + "Mode=\(kiosk.scannerMode)\n"))
            return ConfigurationCheck.check(path: path, account: account).diagnostics.filter { $0.key == "Device" }
        }
        for kiosk in kiosks {
            let problems = try deviceProblems(kiosk, account)
            #expect(problems.isEmpty, "\(kiosk.name): \(problems.map(\.message))")
        }
        account.supplementaryGroups.removeAll { $0 == "lp" }
        let withoutLP = try deviceProblems(kiosks[1], account)
        #expect(withoutLP.count == 1 && withoutLP.first?.section == "Printer", "\(withoutLP.map(\.message))")
        #expect(withoutLP.first?.message.contains("USB-class printers (/dev/usb/lp*) to lp") == true)
    }

    @Test func theShippedUnitIsRead() throws {
        let unit = examplesDirectory() + "/../../systemd/kioskd.service"
        let account = try #require(ServiceAccount.fromUnit(path: unit))
        #expect(account.user == "kiosk")
        #expect(account.group == "kiosk")
        #expect(account.supplementaryGroups == ["dialout", "input", "lp"])
        #expect(account.stateDirectories == ["/var/lib/kiosk"])
        #expect(account.writablePaths == ["/run/kiosk"])
        #expect(account.protectsSystem)
    }
}

/// `kioskctl config show`: every key, defaults filled in, and where each came from.
@Suite struct EffectiveSettingTests {
    @Test func everyKeyWithItsOrigin() throws {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/kiosk.conf"
        try write(
            Array(minimalConfig("Procedures=\(examplesDirectory())/procedures.conf\n[Printer]\nBaud=9600\n").utf8),
            to: path)
        let result = ConfigurationCheck.check(path: path)
        #expect(result.isValid, "\(result.diagnostics)")
        let settings = result.effectiveSettings
        func setting(_ section: String, _ key: String) -> EffectiveSetting? {
            settings.first { $0.section == section && $0.key == key }
        }
        #expect(setting("Printer", "Baud")?.value == "9600")
        #expect(setting("Printer", "Baud")?.origin == "\(path):6")
        #expect(setting("Kiosk", "Id")?.origin == "\(path):2")
        #expect(setting("Printer", "FlowControl")?.value == "rtscts")
        #expect(setting("Printer", "FlowControl")?.origin == "default")
        #expect(setting("Scanner", "ScanTimeout")?.value == "80ms")
        #expect(setting("Central", "PollUpdates")?.value == "5min")
        #expect(setting("Control", "Socket")?.value == "/run/kiosk/control.sock")
        #expect(settings.allSatisfy { !$0.section.isEmpty && !$0.key.isEmpty })
        #expect(Set(settings.map(\.section)) == ["Kiosk", "Printer", "Scanner", "Central", "Control"])
    }
}
