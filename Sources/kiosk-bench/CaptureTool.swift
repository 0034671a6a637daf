import Foundation
import KioskConfig
import KioskDevices
import KioskEmulators
import KioskService
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench make-capture`: writes the `input_event` records a keyboard-wedge scanner
/// sends for a text (`--text`), or records them from a real device (`--record`), to a file of
/// `Hardware/captures/` (layout in its README).
///
///     kiosk-bench make-capture --text "…" --keymap us --out FILE [--alt-codes] [--no-enter]
///     kiosk-bench make-capture --record /dev/input/eventN --out FILE [--seconds N]
///
/// Recording does not grab the device: stop kioskd first, and the scan also reaches the console.
func runCaptureTool(arguments: [String]) throws {
    var list = ArgumentList(arguments)
    guard let out = try list.option("--out") else { throw BenchUsage("make-capture needs --out FILE") }
    if let device = try list.option("--record") {
        let seconds =
            try list.option("--seconds").map { text in
                guard let n = Double(text), n > 0 else { throw BenchUsage("--seconds needs a positive number") }
                return n
            } ?? 10
        try list.expectEnd()
        try recordCapture(device: device, out: out, seconds: seconds)
        return
    }
    guard let text = try list.option("--text") else {
        throw BenchUsage("make-capture needs --text TEXT or --record DEVICE")
    }
    let keymapName = try list.option("--keymap") ?? "us"
    let altCodes: ScannerKeystrokes.AltCodes = list.flag("--alt-codes") ? .nonASCII : .whenNeeded
    let enter = !list.flag("--no-enter")
    try list.expectEnd()
    let keymap = try HardwareData.keymap(named: keymapName)
    let events = try ScannerKeystrokes(keymap: keymap, altCodes: altCodes).events(for: text, enter: enter)
    let bytes = InputEvent.records(events)
    guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
        throw BenchUsage("cannot write \(out)")
    }
    print(
        "\(out): \(events.count) input_event records of \(InputEvent.recordSize) bytes (\(bytes.count) bytes), keymap \(keymap.name)"
    )
}

/// Copies whole records from a device for `seconds` (scan with the scanner meanwhile).
private func recordCapture(device: String, out: String, seconds: Double) throws {
    let fd = try retryingInterrupts("open(\(device))") { open(device, O_RDONLY | O_CLOEXEC) }
    defer { close(fd) }
    var captured: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: InputEvent.recordSize * 64)
    var records = InputEventRecordBuffer()
    let deadline = MonotonicDeadline(afterNanoseconds: UInt64(seconds * 1e9))
    FileHandleOutput.standardError("recording \(device) for \(seconds) s: scan now\n")
    while !deadline.hasPassed {
        guard case .ready = try waitForDescriptor(fd, until: deadline) else { continue }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        buffer[0..<n].withUnsafeBytes { records.append($0) { captured += $0.record } }
    }
    guard FileManager.default.createFile(atPath: out, contents: Data(captured)) else {
        throw BenchUsage("cannot write \(out)")
    }
    print("\(out): \(captured.count / InputEvent.recordSize) records recorded from \(device)")
}
