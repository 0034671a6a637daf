// The fuzz executable's entry: every parser of the product as one libFuzzer target each, in
// one executable so that the modules under test are compiled once (.ci/fuzz.sh). Not part
// of the SwiftPM build.
//
// With FUZZ_TARGET=<name> in the environment the whole input goes to that target (a
// developer fuzzing one parser, reproducing a crash). Without it the first byte picks the
// target (its number modulo the count) and the rest is the input: one run explores them all.
// FUZZ_LIST=1 prints the names in order and exits (the script numbers its seeds by it).

#if canImport(Glibc)
    import Glibc
#endif

/// A parser under test: its name (the corpus folder) and the function fed each input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

/// The targets; new ones go at the END (a target's number is its index, and CI seeds carry it).
let fuzzTargets: [FuzzTarget] = [
    FuzzTarget(name: "scan-parser", run: fuzzScanParser),
    FuzzTarget(name: "keymap-parser", run: fuzzKeymapParser),
    FuzzTarget(name: "evdev-decoder", run: fuzzEvdevDecoder),
    FuzzTarget(name: "kiosk-config", run: fuzzKioskConfiguration),
    FuzzTarget(name: "procedure-catalog", run: fuzzProcedureCatalog),
    FuzzTarget(name: "holiday-list", run: fuzzHolidayList),
    FuzzTarget(name: "escpos-interpreter", run: fuzzESCPOSInterpreter),
    FuzzTarget(name: "printer-reply", run: fuzzPrinterReplyFilter),
    FuzzTarget(name: "control-request", run: fuzzControlRequest),
    FuzzTarget(name: "central-request-head", run: fuzzCentralRequestHead),
    FuzzTarget(name: "central-batch", run: fuzzCentralBatch),
    FuzzTarget(name: "batch-results", run: fuzzBatchResults),
    FuzzTarget(name: "updates-page", run: fuzzUpdatesPage),
    FuzzTarget(name: "central-answer", run: fuzzCentralAnswer),
    FuzzTarget(name: "authorization-header", run: fuzzAuthorizationHeader),
    FuzzTarget(name: "printer-profile", run: fuzzPrinterProfile),
    FuzzTarget(name: "escpos-render", run: fuzzESCPOSRender),
    FuzzTarget(name: "central-authentication", run: fuzzCentralAuthentication),
    FuzzTarget(name: "hidpos", run: fuzzHIDPOS),
    FuzzTarget(name: "http-response", run: fuzzHTTPResponse),
]

/// The target every input goes to (FUZZ_TARGET), or nil when the first byte picks.
nonisolated(unsafe) private var chosenTarget: Int?
/// Inputs run per target, printed at exit: what each parser got of the time budget.
/// libFuzzer calls the entry from one thread, so plain globals are safe here.
nonisolated(unsafe) private var executions = [Int](repeating: 0, count: fuzzTargets.count)

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    if getenv("FUZZ_LIST") != nil {
        for target in fuzzTargets { print(target.name) }
        exit(0)
    }
    if let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }) {
        guard let index = fuzzTargets.firstIndex(where: { $0.name == name }) else {
            writeError("fuzz: unknown FUZZ_TARGET \(name)\n")
            exit(2)
        }
        chosenTarget = index
    }
    atexit {
        let counts = fuzzTargets.indices.filter { chosenTarget == nil || chosenTarget == $0 }
            .map { "\(fuzzTargets[$0].name) \(executions[$0])" }
        writeError("fuzz: executions per target: \(counts.joined(separator: ", "))\n")
    }
    return 0
}

/// Writes to standard error (libFuzzer's log).
private func writeError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let chosenTarget {
        executions[chosenTarget] += 1
        fuzzTargets[chosenTarget].run(bytes)
    } else if size > 0 {
        let index = Int(bytes[0]) % fuzzTargets.count
        executions[index] += 1
        fuzzTargets[index].run(UnsafeRawBufferPointer(rebasing: bytes[1...]))
    }
    return 0
}
