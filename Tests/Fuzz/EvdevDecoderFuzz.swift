// Fuzz target `evdev-decoder`: the evdev decoder fed random input_event records (split at a
// random point to exercise record reassembly), with random gaps between reads; and the
// serial decoder fed the same bytes. Built by .ci/fuzz.sh with `swiftc -sanitize=fuzzer`; not part of the
// SwiftPM build.

@testable import KioskDevices

// `fuzzKeymapText` is us.keymap, embedded by .ci/fuzz.sh into a generated file.
private let keymap: Keymap = (try? Keymap.parse(fuzzKeymapText, file: "us.keymap")) ?? Keymap(name: "empty")

func fuzzEvdevDecoder(_ bytes: UnsafeRawBufferPointer) {
    let size = bytes.count
    guard size > 2 else { return }
    let split = min(size, Int(bytes[0]) * 3)
    let timeout = Duration.milliseconds(Int(bytes[1]) + 1)
    var decoder = EvdevDecoder(keymap: keymap, scanTimeout: timeout)
    var records = InputEventRecordBuffer()
    var outputs: [EvdevDecoder.Output] = []
    var now: UInt64 = 1_000_000_000
    for range in [2..<max(2, split), max(2, split)..<size] {
        records.append(UnsafeRawBufferPointer(rebasing: bytes[range])) { event in
            decoder.feed(event, now: now, into: &outputs)
            now &+= UInt64(UInt16(truncatingIfNeeded: event.value)) &* 1_000
        }
        decoder.expire(now: now &+ 1_000_000, into: &outputs)
    }
    decoder.reset(into: &outputs)
    for output in outputs {
        if case .scan(let text) = output, text.unicodeScalars.count > EvdevDecoder.maximumLength {
            fatalError("a scan over the limit got through")
        }
    }
    var serial = SerialScanDecoder()
    var serialOutputs: [SerialScanDecoder.Output] = []
    serial.feed(bytes, into: &serialOutputs)
    serial.feed([0x0D], into: &serialOutputs)
    for output in serialOutputs {
        if case .scan(let text) = output, text.isEmpty || text.unicodeScalars.count > EvdevDecoder.maximumLength {
            fatalError("serial scan empty or over the limit")
        }
    }
}
