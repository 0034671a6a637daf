import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Device nodes the service user may not open yet (plugged in before udev's rule gave the kiosk
/// its group, a group missing from the unit, a technician's `chmod` still to come): kioskd, run
/// as that user, says which device and what gives it access, and takes the device as soon as
/// the permission arrives — no restart. As root every open succeeds, so this runs kioskd as
/// `nobody`.
@Suite(.enabled(if: geteuid() == 0, "needs root to run kioskd as nobody"))
struct DevicePermissionEndToEndTests {
    static let nobody: uid_t = 65534

    /// A kiosk whose folder and key are nobody's; the scanner's FIFO and the printer stand-in's
    /// pseudo-terminal with the modes given (root's).
    static func kiosk(scannerMode: mode_t, printerMode: mode_t) throws -> (KioskdProcess, ScannerFIFO, String) {
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        for path in [kiosk.directory.path, kiosk.directory.path + "/central.key"] {
            #expect(chown(path, Self.nobody, gid_t(Self.nobody)) == 0)
        }
        chmod(kiosk.directory.path, 0o755)
        #expect(chmod(scanner.path, scannerMode) == 0)
        let node = try #require(realpath(kiosk.printerPath, nil))
        defer { free(node) }
        let printer = String(cString: node)
        #expect(chmod(printer, printerMode) == 0)
        try kiosk.start(launcher: [
            "/usr/bin/setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups",
        ])
        return (kiosk, scanner, printer)
    }

    /// Scans `text` and waits until kioskd handled or refused it.
    static func scanReaches(_ kiosk: KioskdProcess, _ scanner: ScannerFIFO, _ text: String) async throws -> Bool {
        let answered = { kiosk.log.contains { $0.contains("scan handled") || $0.contains("scan refused") } }
        try scanner.scan(text)
        let deadline = ContinuousClock.now + .seconds(60)
        while !answered(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return answered()
    }

    @Test func aScannerNodeThatBecomesReadableIsTakenWithoutARestart() async throws {
        let (kiosk, scanner, _) = try Self.kiosk(scannerMode: 0o600, printerMode: 0o666)
        #expect(await kiosk.waitForLog("kioskd started"), "\(kiosk.log.suffix(5))")
        #expect(await kiosk.waitForLog("printer ok"), "\(kiosk.log.suffix(5))")
        #expect(await kiosk.waitForLog("scanner missing"), "\(kiosk.log.suffix(5))")
        let missing = kiosk.log.first { $0.contains("scanner missing") } ?? ""
        #expect(missing.contains("Permission denied"), "\(missing)")
        // What to do about it, beside what the system said.
        #expect(missing.contains("may not read it") && missing.contains("group input"), "\(missing)")
        #expect(!kiosk.log.contains { $0.contains("scanner ok") })

        // The permission arrives (what udev's rule does once it runs): no restart, no scan lost.
        #expect(chmod(scanner.path, 0o644) == 0)
        #expect(await kiosk.waitForLog("scanner ok", after: "scanner missing"), "\(kiosk.log.suffix(5))")
        #expect(try await Self.scanReaches(kiosk, scanner, "1.001234"), "\(kiosk.log.suffix(5))")
        await kiosk.stop()
    }

    @Test func aPrinterNodeThatBecomesWritableIsTakenWithoutARestart() async throws {
        let (kiosk, scanner, printer) = try Self.kiosk(scannerMode: 0o644, printerMode: 0o600)
        #expect(await kiosk.waitForLog("kioskd started"), "\(kiosk.log.suffix(5))")
        #expect(await kiosk.waitForLog("printer offline"), "\(kiosk.log.suffix(5))")
        let offline = kiosk.log.first { $0.contains("printer offline") } ?? ""
        #expect(offline.contains("Permission denied"), "\(offline)")
        #expect(offline.contains("may not open it read-write") && offline.contains("to lp"), "\(offline)")
        #expect(!kiosk.log.contains { $0.contains("printer ok") })

        #expect(chmod(printer, 0o666) == 0)
        #expect(await kiosk.waitForLog("printer ok", after: "printer offline"), "\(kiosk.log.suffix(5))")
        #expect(try await Self.scanReaches(kiosk, scanner, "1.001234"), "\(kiosk.log.suffix(5))")
        await kiosk.stop()
    }
}
