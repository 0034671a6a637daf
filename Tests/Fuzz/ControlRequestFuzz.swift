// Fuzz target `control-request`: what kioskd reads from its control socket. The bytes go
// through the line buffer in two chunks (split where the first byte says), each line through
// `ControlValue.parse` and `ControlRequest.decode`, as ControlConnection does. Built by
// .ci/fuzz.sh with `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

@testable import KioskControl

func fuzzControlRequest(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let input = UnsafeRawBufferPointer(rebasing: bytes[1...])
    let split = min(input.count, Int(first) * 4)
    var buffer = ControlLineBuffer(maximumLineBytes: 4096)
    for part in [UnsafeRawBufferPointer(rebasing: input[..<split]), UnsafeRawBufferPointer(rebasing: input[split...])] {
        buffer.append(part)
        while case .line(let line) = buffer.next() { check(line) }
    }
    if buffer.hasPartialLine { check(buffer.takePartialLine()) }
}

private func check(_ line: [UInt8]) {
    let value: ControlValue
    do {
        value = try ControlValue.parse(line)
    } catch {
        guard (0...line.count).contains(error.offset) else {
            fatalError("error offset \(error.offset) outside the line")
        }
        return
    }
    // What the service writes back must read as the same value.
    let json = value.json
    guard let again = try? ControlValue.parse(Array(json.utf8)), again == value else {
        fatalError("a parsed value does not survive its own JSON")
    }
    do {
        let request = try ControlRequest.decode(value)
        _ = request.name
    } catch {
        guard let answer = try? ControlValue.parse(Array(error.answer.json.utf8)), answer == error.answer else {
            fatalError("an error answer does not survive its own JSON")
        }
    }
}
