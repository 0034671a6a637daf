import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A scanner node the service user may not read yet (plugged in before udev's rule gave the
/// kiosk its group, or a technician's `chmod` still to come): kioskd, run as that user, says
/// the scanner is missing and why, and takes the scanner as soon as the permission arrives —
/// no restart. As root every open succeeds, so this runs kioskd as `nobody`.
@Suite(.enabled(if: geteuid() == 0, "needs root to run kioskd as nobody"))
struct ScannerPermissionEndToEndTests {
    static let nobody: uid_t = 65534

    @Test func aScannerNodeThatBecomesReadableIsTakenWithoutARestart() async throws {
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        // Root's, mode 0600: `nobody` gets EACCES.
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        for path in [kiosk.directory.path, kiosk.directory.path + "/central.key"] {
            #expect(chown(path, Self.nobody, gid_t(Self.nobody)) == 0)
        }
        chmod(kiosk.directory.path, 0o755)
        // The printer stand-in's pseudo-terminal, open to the service user.
        let printerNode = try #require(realpath(kiosk.printerPath, nil))
        defer { free(printerNode) }
        chmod(printerNode, 0o666)
        try kiosk.start(launcher: [
            "/usr/bin/setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups",
        ])
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
        try scanner.scan("1.001234")
        let deadline = ContinuousClock.now + .seconds(60)
        while !kiosk.log.contains(where: { $0.contains("scan handled") || $0.contains("scan refused") }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(
            kiosk.log.contains { $0.contains("scan handled") || $0.contains("scan refused") }, "\(kiosk.log.suffix(5))")
        await kiosk.stop()
    }
}
