import ESCPOS
import Foundation
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench printer-socket`: a receipt printer at the host end of a VM's serial port (a
/// QEMU unix-socket chardev), for the real-kernel test (`.ci/realkernel`).
///
///     kiosk-bench printer-socket --socket PATH --out DIR [--profile NAME] [--profiles DIR]
///     kiosk-bench printer-socket --device PATH --out DIR [--paper-out-file FILE] [...]
///
/// Connects to the socket (retrying until QEMU has it), answers every `DLE EOT n` at once as
/// a ready printer does (online, paper in, cover closed), and once the line has been quiet
/// for 300 ms interprets what came with the project's ESC/POS interpreter and writes it as
/// `DIR/receipt-NNN.txt` (the transcript, CODE128 and QR contents included) and `.bin` (the
/// bytes), numbered on from what DIR already holds, so a restarted tool does not overwrite.
/// Killing the tool closes the host end: for QEMU's `usb-serial` that unplugs the adapter in
/// the guest; for a UART the guest sees a printer that stopped answering.
///
/// `--device PATH` opens a character device instead: the gadget side of a USB printer
/// (`/dev/g_printer0` of the kernel's printer gadget, whose host side is usblp's
/// `/dev/usb/lp0`). While `--paper-out-file FILE` exists, status requests are answered as a
/// printer out of paper answers them (`DLE EOT 2` bit 5, `DLE EOT 4` bits 5–6).
func runPrinterSocket(arguments: [String]) throws {
    var list = ArgumentList(arguments)
    let socketPath = try list.option("--socket")
    let devicePath = try list.option("--device")
    guard let source = devicePath ?? socketPath, let out = try list.option("--out") else {
        throw BenchUsage("printer-socket needs --socket PATH or --device PATH, and --out DIR")
    }
    let profileName = try list.option("--profile") ?? "generic-80mm"
    let profiles = try list.option("--profiles") ?? "Hardware/printers"
    let paperOutFile = try list.option("--paper-out-file")
    try list.expectEnd()
    let profile = try PrinterProfile.load(named: profileName, from: profiles)
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let fd: Int32
    if let devicePath {
        fd = open(devicePath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError(errno, call: "open(\(devicePath))") }
    } else {
        fd = try connectUnixSocket(source)
    }
    FileHandleOutput.standardError("printer-socket: connected to \(source)\n")

    var pending: [UInt8] = []
    var stage = 0
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let deadline = pending.isEmpty ? nil : MonotonicDeadline(after: .milliseconds(300))
        let outcome: PollOutcome
        do {
            outcome = try waitForDescriptor(fd, until: deadline)
        } catch {
            throw SystemError(error.code, call: "poll(\(source))")
        }
        if outcome == .timedOut {
            writeReceipt(pending, profile: profile, out: out)
            pending.removeAll()
            continue
        }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
            writeReceipt(pending, profile: profile, out: out)
            FileHandleOutput.standardError("printer-socket: \(source) closed by the other end\n")
            return
        }
        guard n > 0 else { continue }
        var answers: [UInt8] = []
        let paperOut = paperOutFile.map { access($0, F_OK) == 0 } ?? false
        for byte in buffer[0..<n] {
            // DLE EOT n, wherever it is (real printers answer it even inside raster data).
            switch stage {
            case 1 where byte == 0x04: stage = 2
            case 2:
                if (1...4).contains(byte) { answers.append(statusAnswer(byte, paperOut: paperOut)) }
                stage = byte == 0x10 ? 1 : 0
            default: stage = byte == 0x10 ? 1 : 0
            }
        }
        pending += buffer[0..<n]
        if !answers.isEmpty {
            _ = answers.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}

/// The answer to `DLE EOT n`: a ready printer's, or one whose paper ran out (online but
/// stopped at paper end: `DLE EOT 2` bit 5, the roll sensor's bits 5–6).
private func statusAnswer(_ n: UInt8, paperOut: Bool) -> UInt8 {
    guard paperOut else { return 0x12 }
    switch n {
    case 2: return 0x12 | 0x20
    case 4: return 0x12 | 0x60
    default: return 0x12
    }
}

/// Connects to a unix stream socket, retrying for 180 s while it is not there yet.
private func connectUnixSocket(_ path: String) throws -> Int32 {
    let deadline = monotonicNanoseconds() + 180_000_000_000
    while true {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(errno, call: "socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw BenchUsage("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (k, b) in bytes.enumerated() { raw[k] = b }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return fd }
        let code = errno
        close(fd)
        guard (code == ENOENT || code == ECONNREFUSED) && monotonicNanoseconds() < deadline else {
            throw SystemError(code, call: "connect(\(path))")
        }
        usleep(20_000)
    }
}

/// Writes what came since the last quiet spell as the next receipt, unless it printed nothing
/// (status requests only).
private func writeReceipt(_ bytes: [UInt8], profile: PrinterProfile, out: String) {
    guard !bytes.isEmpty else { return }
    let rendered = ESCPOSInterpreter.interpret(bytes, profile: profile)
    let prints = rendered.elements.contains {
        switch $0 {
        case .statusRequest, .feed: false
        default: true
        }
    }
    guard prints else { return }
    let existing =
        (try? FileManager.default.contentsOfDirectory(atPath: out))?.filter { $0.hasSuffix(".txt") }.count ?? 0
    let base = out + "/" + String(format: "receipt-%03d", existing + 1)
    _ = FileManager.default.createFile(atPath: base + ".bin", contents: Data(bytes))
    _ = FileManager.default.createFile(atPath: base + ".txt", contents: Data(rendered.transcript.utf8))
    FileHandleOutput.standardError("printer-socket: \(base).txt (\(bytes.count) bytes)\n")
}
