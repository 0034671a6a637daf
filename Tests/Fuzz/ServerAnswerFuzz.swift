// Fuzz targets of the kiosk reading central's answers (KioskForwarding, KioskProtocol):
// `batch-results`, the 200 body of POST /v1/events as the forwarder reads it;
// `updates-page`, a GET …/updates page decoded and converted as the poller does;
// `central-answer`, any status, headers and body as `CentralAnswer.trouble` judges them
// (Retry-After, Date, the `error` body); `authorization-header`, the request signature
// header as the receiver parses it. Built by .ci/fuzz.sh with `swiftc -sanitize=fuzzer`;
// not part of the SwiftPM build.

import Foundation
import KioskDomain
import KioskProtocol

@testable import KioskForwarding

func fuzzBatchResults(_ bytes: UnsafeRawBufferPointer) {
    guard let results = BatchResults(json: Array(bytes)) else { return }
    // What the receiver writes for these results must read back the same.
    guard BatchResults(json: results.encodedJSON()) == results else { fatalError("BatchResults JSON round trip") }
}

func fuzzUpdatesPage(_ bytes: UnsafeRawBufferPointer) {
    guard let page = try? JSONDecoder().decode(UpdatesPage.self, from: Data(bytes)) else { return }
    // UpdatesPoller.convert: known statuses and RFC 3339 times only.
    for update in page.updates {
        _ = DossierStatus(rawValue: update.status)
        guard let at = Timestamp(rfc3339: update.at) else { continue }
        guard Timestamp(rfc3339: at.description) == at else { fatalError("Timestamp RFC 3339 round trip") }
    }
}

/// The input as an answer: the first line the status, then `Name: value` lines, an empty
/// line, the body.
func fuzzCentralAnswer(_ bytes: UnsafeRawBufferPointer) {
    let text = Array(bytes)
    var lines = text.split(separator: 0x0A, maxSplits: 64, omittingEmptySubsequences: false)
    guard !lines.isEmpty else { return }
    let status = Int(String(decoding: lines.removeFirst(), as: UTF8.self)) ?? 200
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    while !lines.isEmpty {
        let line = lines.removeFirst()
        if line.isEmpty {
            body = lines.joined(separator: [0x0A]).map { $0 }
            break
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace
        headers.add(name: String(decoding: line[..<colon], as: UTF8.self), value: value)
        let now: Int64 = 1_795_000_000
        if let delay = RetryAfter.delay(value, now: now), !(delay >= 0 && delay.isFinite) {
            fatalError("Retry-After delay \(delay)")
        }
        if let seconds = HTTPDate.unixSeconds(value) {
            // Any date read is one the kiosk could write and read back.
            guard HTTPDate.unixSeconds(HTTPDate.format(unixSeconds: seconds)) == seconds else {
                fatalError("HTTP-date round trip")
            }
        }
    }
    let (trouble, description, _) = CentralAnswer.trouble(
        .success(HTTPResponse(status: status, headers: headers, body: body)), now: 1_795_000_000)
    if case .overloaded(let wait?) = trouble, !(wait >= 0 && wait.isFinite) { fatalError("overloaded wait \(wait)") }
    guard !description.contains("\n") else { fatalError("a multi-line status text") }
}

func fuzzAuthorizationHeader(_ bytes: UnsafeRawBufferPointer) {
    guard let header = AuthorizationHeader(parsing: String(decoding: bytes, as: UTF8.self)) else { return }
    guard AuthorizationHeader(parsing: header.value) == header else { fatalError("Authorization round trip") }
}
