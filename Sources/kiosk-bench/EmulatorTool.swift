import Foundation
import KioskConfig
import KioskDevices
import KioskEmulators
import KioskService
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench emulate`: the emulated hardware as a process of its own, for tests of the
/// installed package (`.ci/check-installed.sh`): a receipt printer on a pseudo-terminal that
/// writes each receipt as `receipt-NNN.txt` and `.png` into `--out DIR`, and optionally a
/// serial scanner on a second pseudo-terminal that types each line of standard input.
///
///     kiosk-bench emulate --printer PATH [--profile NAME] [--out DIR] [--scanner PATH] [--owner USER]
///
/// `--owner USER` gives the pseudo-terminals to USER (kioskd run as `kiosk` must open them).
/// Prints `ready` once both paths exist; stops at the end of standard input.
func runEmulatorTool(arguments: [String]) async throws {
    var list = ArgumentList(arguments)
    guard let printerPath = try list.option("--printer") else { throw BenchUsage("emulate needs --printer PATH") }
    let profileName = try list.option("--profile") ?? "generic-80mm"
    let out = try list.option("--out")
    let scannerPath = try list.option("--scanner")
    let owner = try list.option("--owner")
    try list.expectEnd()
    if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
    let printer = try EmulatedPrinter(
        profile: try HardwareData.printerProfile(named: profileName), devicePath: printerPath, outputDirectory: out)
    let scanner = try scannerPath.map { path in
        let pty = try PseudoTerminal()
        try pty.publish(at: path)
        return pty
    }
    if let owner {
        guard let user = getpwnam(owner) else { throw BenchUsage("emulate: no user \(owner)") }
        for link in [printerPath, scannerPath].compactMap({ $0 }) {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
            guard chown(target, user.pointee.pw_uid, gid_t.max) == 0 else {
                throw SystemError(errno, call: "chown(\(target))")
            }
        }
    }
    FileHandleOutput.standardOutput(
        "ready printer=\(printerPath)" + (scannerPath.map { " scanner=\($0)" } ?? "") + "\n")
    // Each line is one scan; CR ends it, as a serial scanner sends it.
    while let line = readLine() {
        scanner?.writeMaster(Array((line + "\r").utf8))
    }
    scanner?.close()
    if let scannerPath { PseudoTerminal.unpublish(scannerPath) }
    await printer.stop()
}
