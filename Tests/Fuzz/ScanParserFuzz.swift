// Fuzz target `scan-parser`: ScanParser (KioskDomain) on any text. Built by .ci/fuzz.sh with
// `swiftc -sanitize=fuzzer`; not part of the SwiftPM build (Tests/Fuzz is no target).

import KioskDomain

func fuzzScanParser(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    switch ScanParser().parse(text) {
    case .success(let scan):
        // What a log line would show must never be longer than the scan's own kind and a
        // masked or short value.
        _ = scan.description
        _ = scan.kind
    case .failure(let rejection):
        _ = rejection.description
    }
}
