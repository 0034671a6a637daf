// Fuzz target: ScanParser (KioskDomain). Built by .ci/fuzz.sh with `swiftc -sanitize=fuzzer`
// together with Sources/KioskDomain; not part of the SwiftPM build (Tests/Fuzz is no target).

@_cdecl("LLVMFuzzerTestOneInput")
public func scanParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch ScanParser().parse(text) {
    case .success(let scan):
        // What a log line would show must never be longer than the scan's own kind and a
        // masked or short value.
        _ = scan.description
        _ = scan.kind
    case .failure(let rejection):
        _ = rejection.description
    }
    return 0
}
