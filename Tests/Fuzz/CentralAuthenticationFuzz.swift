// Fuzz target of the receiver's authentication path and every header it reads
// (`central-authentication`): the first 8 input bytes are the receiver's clock (any Int64,
// the extremes included), the rest are bytes a client sent on a connection. Each request
// read goes through `RequestAuthentication.checkSignature` as sent, then again re-signed
// with the kiosk's real key and the same `ts` and nonce, so the fuzzer reaches the clock
// check with any `ts`; the verdict is compared with the skew computed in 128-bit integers.
// Built by .ci/fuzz.sh; not part of the SwiftPM build.

import KioskProtocol

@testable import KioskCentral

#if canImport(Glibc)
    import Glibc
#endif

private let fuzzKioskId = "HN-BADINH-01"
private let fuzzKey = try! KioskKey(bytes: Array("fuzz-kiosk-key-0123456789abcdef!".utf8))
private let fuzzSigner = RequestSigner(kioskId: fuzzKioskId, key: fuzzKey)

func fuzzCentralAuthentication(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count >= 8 else { return }
    var now: Int64 = 0
    withUnsafeMutableBytes(of: &now) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<8])) }
    let skew = Int64(bytes[0] % 4) * 150  // 0, 150, 300, 450: the edge moves too
    let authentication = RequestAuthentication(kiosks: [fuzzKioskId: fuzzKey], maxClockSkew: skew)

    var ends: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else { fatalError("socketpair failed") }
    let client = Socket(fd: ends[0])
    let server = Socket(fd: ends[1])
    defer {
        client.close()
        server.close()
    }
    guard client.writeAll(Array(UnsafeRawBufferPointer(rebasing: bytes[8...]))) else {
        fatalError("could not write to a socket pair")
    }
    client.shutdownWrite()
    var limits = HTTPLimits()
    limits.idleTimeout = 1
    limits.requestTimeout = 1
    var reader = HTTPRequestReader(socket: server, limits: limits)
    while case .request(let request) = reader.next(fromLoopback: false) {
        check(request, authentication: authentication, now: now, skew: skew)
    }
}

private func check(_ request: HTTPRequest, authentication: RequestAuthentication, now: Int64, skew: Int64) {
    // Every header the receiver reads, read as it reads them.
    _ = request.header("connection")
    _ = request.header("expect")
    _ = request.header("content-length")
    if let cursor = request.queryParameter("after") { _ = Int64(cursor) }
    _ = Route(path: request.path).name

    // As sent: a forged or garbled header is refused, never a crash.
    if case .success = authentication.checkSignature(request, now: now) {
        fatalError("a request signed without the key passed")
    }
    // Re-signed with the real key: the signature passes, and the clock decides.
    guard let value = request.header("authorization"), let header = AuthorizationHeader(parsing: value) else { return }
    let resigned = fuzzSigner.authorization(
        method: request.method, pathAndQuery: request.target, body: request.body, unixTime: header.ts,
        nonce: header.nonce)
    var signed = request
    signed.headers.removeAll { $0.name == "authorization" }
    signed.headers.append(("authorization", resigned))
    let distance = Int128(header.ts) - Int128(now)
    let inside = distance.magnitude <= UInt128(skew)
    switch authentication.checkSignature(signed, now: now) {
    case .success(let accepted):
        guard inside, accepted.kiosk == fuzzKioskId, accepted.nonce == header.nonce.lowercased() else {
            fatalError("accepted ts \(header.ts) at now \(now), skew \(skew)")
        }
    case .failure(.clockSkew):
        guard !inside else { fatalError("refused ts \(header.ts) at now \(now), skew \(skew), within it") }
    case .failure(let other):
        fatalError("a request signed with the key failed with \(other)")
    }
}
