import ESCPOS
import Foundation
import KioskConfig
import KioskProtocol
import KioskSystem

/// `kiosk-bench encode`: the time `ESCPOSEncoder.encode` takes for the standard intake receipt
/// (`standardIntakeReceipt()`), per printer profile, and — with `--python PATH` — python-escpos
/// building the same receipt on its nearest profile in the same run
/// (`peers/escpos_receipt.py --json`), with the ratio.
///
///     kiosk-bench encode [--count N] [--python PATH] [--profiles DIR] [--peers DIR]
///
/// Each encode is timed alone; the median and the 90th percentile of `--count` encodes (after
/// a warm-up of a tenth as many) are given. python-escpos's figure is its median.
func runEncodeBenchmark(arguments: [String]) throws {
    var list = ArgumentList(arguments)
    let count = max(10, Int(try list.option("--count") ?? "2000") ?? 2000)
    let python = try list.option("--python")
    let directory = try list.option("--profiles") ?? HardwareData.root.path + "/printers"
    let peers = try list.option("--peers") ?? peersDirectory()
    try list.expectEnd()

    var theirs: [String: Double] = [:]
    if let python {
        let output = try runChild(
            python, [peers + "/escpos_receipt.py", "--count", "\(max(20, count / 10))", "--json"])
        guard let peer = try? JSONDocumentDecoder().decode(PeerEncodeTimes.self, from: Array(output.utf8)) else {
            throw BenchUsage("encode: \(python) escpos_receipt.py --json gave no encodeMedianMicroseconds")
        }
        theirs = peer.encodeMedianMicroseconds
    }

    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".conf") }
        .map { String($0.dropLast(5)) }.sorted()
    let document = standardIntakeReceipt()
    print("Standard intake receipt, encoder's choice (ESCPOSEncoder.encode), \(count) encodes per profile")
    print(
        "profile            bytes  median µs    p90 µs  | python-escpos profile  median µs  python-escpos ÷ kiosk")
    for name in names {
        let profile = try PrinterProfile.load(named: name, from: directory)
        var bytes: [UInt8] = []
        for _ in 0..<max(1, count / 10) { bytes = ESCPOSEncoder.encode(document, profile: profile) }
        var times: [Double] = []
        times.reserveCapacity(count)
        for _ in 0..<count {
            let start = ContinuousClock.now
            bytes = ESCPOSEncoder.encode(document, profile: profile)
            let elapsed = ContinuousClock.now - start
            times.append(elapsed.totalSeconds * 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        let peer = nearestPythonEscposProfile(profile)
        var line =
            name.padding(toLength: 18, withPad: " ", startingAt: 0)
            + String(
                format: " %6d %10.1f %9.1f", bytes.count,
                median, times[times.count * 9 / 10])
        if let theirMedian = theirs[peer] {
            line +=
                "  | " + peer.padding(toLength: 21, withPad: " ", startingAt: 0)
                + String(format: " %10.0f  %8.1f×", theirMedian, theirMedian / median)
        } else {
            line += "  | " + peer
        }
        print(line)
    }
    if python == nil { print("(python-escpos not run: pass --python PATH of a Python with python-escpos 3.1)") }
}

/// The python-escpos capability profile closest to ours: Epson's TM-T20II for Epson models,
/// RP326 for the Rongta, POS-5890 for 58 mm paper, its `default` otherwise.
func nearestPythonEscposProfile(_ profile: PrinterProfile) -> String {
    if profile.name.hasPrefix("epson-") { return "TM-T20II" }
    if profile.name.hasPrefix("rongta-") { return "RP326" }
    return profile.paperWidthDots <= 384 ? "POS-5890" : "default"
}

/// `Sources/kiosk-bench/peers` of the source tree the data folder belongs to.
func peersDirectory() -> String {
    URL(fileURLWithPath: HardwareData.root.path).deletingLastPathComponent().path + "/Sources/kiosk-bench/peers"
}

/// Runs a program to its end and returns its standard output; throws with its standard error
/// when it fails.
func runChild(_ executable: String, _ arguments: [String]) throws -> String {
    let result = try ChildRun(executable, arguments)
    guard result.status == 0 else {
        throw BenchUsage(
            "\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)")
    }
    return result.standardOutput
}

/// A program run to its end with its standard output and error captured (through temporary
/// files, so neither can fill a pipe and stall it).
struct ChildRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
    var seconds: Double

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let base = NSTemporaryDirectory() + "kiosk-bench-child-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let process = ChildProcess(executable, arguments)
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        guard let out = FileHandle(forWritingAtPath: base + ".out"),
            let err = FileHandle(forWritingAtPath: base + ".err")
        else { throw BenchUsage("cannot create \(base).out/.err") }
        process.standardOutput = .descriptor(out.fileDescriptor)
        process.standardError = .descriptor(err.fileDescriptor)
        process.standardInput = .null
        let start = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        try? out.close()
        try? err.close()
        status = process.exitStatus
        standardOutput = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        standardError = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        seconds = elapsed.totalSeconds
    }
}

/// What `escpos_receipt.py --json` reports: the median encode time per python-escpos profile.
private struct PeerEncodeTimes: Decodable {
    var encodeMedianMicroseconds: [String: Double]
}
