import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskProtocol
import KioskService
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench scanner [--count N] [--json]`: the barcode scanner reader.
///
/// - decode: `input_event`s decoded per second by `EvdevDecoder` alone (ID-card scans with
///   Vietnamese Alt codes, in memory);
/// - through the reader: the same records written to a FIFO, read by `BarcodeScanner`'s
///   thread and delivered through its stream: events per second end to end;
/// - latency: from the Enter record written to the FIFO to the scan delivered to async code
///   and parsed by `ScanParser`, p50 and p99 over N scans.
func runScannerBenchmark(arguments: [String]) async throws {
    var list = ArgumentList(arguments)
    let count =
        try list.option("--count").map { text in
            guard let n = Int(text), n > 0 else { throw BenchUsage("--count needs a positive number") }
            return n
        } ?? 500
    let json = list.flag("--json")
    try list.expectEnd()

    let keymap = try HardwareData.keymap(named: "us")
    let idCard =
        "001190012345|012345678|Nguy\u{1EC5}n Th\u{1ECB} \u{00C1}nh Tuy\u{1EBF}t|01011990|N\u{1EEF}|S\u{1ED1} 1 Ph\u{1ED1} Hu\u{1EBF}, Hai B\u{00E0} Tr\u{01B0}ng, H\u{00E0} N\u{1ED9}i|15082021"
    let scanEvents = try ScannerKeystrokes(keymap: keymap, altCodes: .nonASCII).events(for: idCard)

    // 1. The decoder alone.
    var decoder = EvdevDecoder(keymap: keymap, scanTimeout: .seconds(30))
    var outputs: [EvdevDecoder.Output] = []
    let rounds = 2000
    var scans = 0
    let decodeStart = monotonicNanoseconds()
    for round in 0..<rounds {
        let now = UInt64(round) * 1_000_000
        for event in scanEvents { decoder.feed(event, now: now, into: &outputs) }
        scans += outputs.count
        outputs.removeAll(keepingCapacity: true)
    }
    let decodeSeconds = Double(monotonicNanoseconds() - decodeStart) / 1e9
    let decodeRate = Double(rounds * scanEvents.count) / decodeSeconds
    guard scans == rounds else { throw BenchUsage("decoder produced \(scans) scans, expected \(rounds)") }

    // 2 and 3. Through a FIFO and the reader thread.
    let folder = NSTemporaryDirectory() + "scanner-bench-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/scanner"
    guard mkfifo(path, 0o600) == 0 else { throw SystemError(errno, call: "mkfifo(\(path))") }
    let scanner = try BarcodeScanner(
        settings: ScannerSettings(
            device: path, keymap: keymap, grab: false, scanTimeout: .seconds(30), bufferedEvents: 4096),
        logger: Logger(minimum: .error))
    defer { scanner.stop() }
    var events = scanner.events.makeAsyncIterator()
    guard case .state(.ok) = await events.next() else { throw BenchUsage("the scanner did not open the FIFO") }
    let writer = try openFIFOWriter(path)
    defer { close(writer) }

    let throughputScans = 500
    let allRecords = InputEvent.records(Array(repeating: scanEvents, count: throughputScans).flatMap { $0 })
    let throughputStart = monotonicNanoseconds()
    let writerThread = Thread { writeAll(writer, allRecords) }
    writerThread.start()
    var delivered = 0
    while delivered < throughputScans, let event = await events.next() {
        if case .scan = event { delivered += 1 }
    }
    let throughputSeconds = Double(monotonicNanoseconds() - throughputStart) / 1e9
    let readerRate = Double(throughputScans * scanEvents.count) / throughputSeconds

    let body = InputEvent.records(Array(scanEvents.dropLast(6)))
    let enter = InputEvent.records(Array(scanEvents.suffix(6)))
    var latencies: [UInt64] = []
    let parser = ScanParser()
    for round in 0..<(count + 20) {
        writeAll(writer, body)
        usleep(2_000)  // let the reader take the body first: only the Enter is timed
        let start = monotonicNanoseconds()
        writeAll(writer, enter)
        var parsed = false
        while !parsed, let event = await events.next() {
            if case .scan(let scan) = event {
                guard case .success(.idCard) = parser.parse(scan.text) else { throw BenchUsage("scan did not parse") }
                parsed = true
            }
        }
        if round >= 20 { latencies.append(monotonicNanoseconds() - start) }
    }
    latencies.sort()
    let p50 = Double(latencies[latencies.count / 2]) / 1e3
    let p99 = Double(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]) / 1e3

    if json {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("decodeEventsPerSecond", Int(decodeRate))
            writer.member("readerEventsPerSecond", Int(readerRate))
            writer.member("eventsPerScan", scanEvents.count)
            writer.member("latencyP50Microseconds", Int(p50))
            writer.member("latencyP99Microseconds", Int(p99))
            writer.member("scans", count)
        }
        print(String(decoding: writer.bytes, as: UTF8.self))
    } else {
        print(
            "ID-card QR scan with Alt codes: \(scanEvents.count) input_event records (\(InputEvent.recordSize) bytes each)"
        )
        print(
            "decoder alone:        \(Int(decodeRate)) events/s (\(rounds) scans in \(String(format: "%.3f", decodeSeconds)) s)"
        )
        print(
            "FIFO + reader thread: \(Int(readerRate)) events/s (\(throughputScans) scans in \(String(format: "%.3f", throughputSeconds)) s)"
        )
        print(
            "Enter written -> scan parsed in async code: p50 \(String(format: "%.0f", p50)) µs, p99 \(String(format: "%.0f", p99)) µs (\(count) scans)"
        )
    }
}

private func openFIFOWriter(_ path: String) throws -> Int32 {
    let fd = try retryingInterrupts("open(\(path))") { open(path, O_WRONLY | O_CLOEXEC) }
    return fd
}

private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
    }
}
