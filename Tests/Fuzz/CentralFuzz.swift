// Fuzz targets of the central receiver (KioskCentral), what it reads from any client:
// `central-request-head`, bytes sent on a connection read by `HTTPRequestReader` (request
// heads, Content-Length bodies, pipelined requests) and routed; `central-batch`, a
// POST /v1/events body read by `BatchIntake` over the single-pass `JSONDocument`, which is
// also checked against the control socket's own JSON reader. Built by .ci/fuzz.sh with
// `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

import KioskProtocol

@testable import KioskCentral
@testable import KioskControl

#if canImport(Glibc)
    import Glibc
#endif

func fuzzCentralRequestHead(_ bytes: UnsafeRawBufferPointer) {
    // The bytes arrive on one end of a socket pair, closed after them, as from a client that
    // sent its requests and stopped.
    var ends: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else { fatalError("socketpair failed") }
    let client = Socket(fd: ends[0])
    let server = Socket(fd: ends[1])
    defer {
        client.close()
        server.close()
    }
    guard client.writeAll(Array(bytes)) else { fatalError("could not write \(bytes.count) bytes to a socket pair") }
    client.shutdownWrite()
    var limits = HTTPLimits()
    limits.idleTimeout = 1
    limits.requestTimeout = 1
    var reader = HTTPRequestReader(socket: server, limits: limits)
    var requests = 0
    while true {
        switch reader.next(fromLoopback: false) {
        case .request(let request):
            requests += 1
            guard requests <= bytes.count / 16 + 1 else { fatalError("more requests than the bytes could hold") }
            check(request)
        case .finished, .abandoned: return
        case .refused(let status, let reason):
            guard (400..<500).contains(status), !reason.isEmpty else { fatalError("refused with \(status) \(reason)") }
            return
        }
    }
}

private func check(_ request: HTTPRequest) {
    guard !request.method.isEmpty, request.target.hasPrefix("/") else {
        fatalError("a malformed request line got through")
    }
    for (name, value) in request.headers {
        guard name == name.lowercased(), !name.isEmpty else { fatalError("a header name not lowercased") }
        if name == "authorization", let header = AuthorizationHeader(parsing: value) {
            guard AuthorizationHeader(parsing: header.value) == header else { fatalError("Authorization round trip") }
        }
    }
    switch Route(path: request.path) {
    case .updates(let kiosk): _ = kiosk.utf8.count
    case .events: _ = BatchIntake.read(body: request.body, signer: "HN-BADINH-01")
    default: break
    }
    if let cursor = request.queryParameter("after") { _ = Int64(cursor) }
}

func fuzzCentralBatch(_ bytes: UnsafeRawBufferPointer) {
    let body = Array(bytes)
    let document: JSONDocument?
    do {
        document = try JSONDocument(parsing: body)
    } catch {
        guard (0...body.count).contains(error.offset) else { fatalError("error offset outside the text") }
        document = nil
    }
    // Differential: what the control socket's strict reader accepts (integers only, no
    // duplicate keys, shallow), the batch reader must accept and read the same.
    if let control = try? ControlValue.parse(body) {
        guard let document else { fatalError("JSONDocument refused JSON that ControlValue.parse read") }
        guard controlValue(document.root) == control else { fatalError("JSONDocument and ControlValue.parse disagree") }
    }
    guard let document else { return }
    walk(document.root, in: body)
    // The receiver's signer is whoever signed; take the body's own kiosk so that the fuzzer
    // gets past the check.
    let signer = document.root["kiosk"]?.string ?? "HN-BADINH-01"
    guard case .success(let verdicts) = BatchIntake.read(body: body, signer: signer) else { return }
    for verdict in verdicts {
        guard case .acceptable(let event) = verdict else { continue }
        guard event.seq >= 1, (try? JSONDocument(parsing: event.data))?.root.kind == .object else {
            fatalError("an accepted event with a bad seq or data")
        }
    }
}

/// Reads every value of the tree; each one's bytes lie inside the text.
private func walk(_ element: JSONElement, in body: [UInt8], depth: Int = 0) {
    let range = element.byteRange
    guard range.lowerBound >= 0, range.upperBound <= body.count, !range.isEmpty else {
        fatalError("element outside the text")
    }
    switch element.kind {
    case .object:
        let members = element.members
        guard members.count == element.count else { fatalError("object count") }
        for (key, value) in members {
            guard element[key] != nil else { fatalError("a member not found by its key") }
            walk(value, in: body, depth: depth + 1)
        }
    case .array:
        let elements = element.elements
        guard elements.count == element.count else { fatalError("array count") }
        for item in elements { walk(item, in: body, depth: depth + 1) }
    case .string: guard element.string != nil else { fatalError("a string without its text") }
    case .number: _ = element.int64
    case .bool: guard element.bool != nil else { fatalError("a bool without its value") }
    case .null: guard element.isNull else { fatalError("null") }
    }
}

/// The `ControlValue` a JSON element would be (numbers that are no Int64 come out as null,
/// which ControlValue.parse never yields, so they compare unequal).
private func controlValue(_ element: JSONElement) -> ControlValue {
    switch element.kind {
    case .object:
        var fields: [String: ControlValue] = [:]
        for (key, value) in element.members { fields[key] = controlValue(value) }
        return .object(fields)
    case .array: return .array(element.elements.map(controlValue))
    case .string: return element.string.map(ControlValue.string) ?? .null
    case .number: return element.int64.map(ControlValue.int) ?? .null
    case .bool: return element.bool.map(ControlValue.bool) ?? .null
    case .null: return .null
    }
}
