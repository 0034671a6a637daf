// Fuzz target `http-response`: the kiosk's transport reading answers from the central server
// (`HTTPResponseReader`: status line, 1xx answers, header fields, Content-Length, chunks and
// trailers, a body until the end of the stream), fed from memory in pieces as a socket would
// deliver them. Built by .ci/fuzz.sh with `swiftc -sanitize=fuzzer`; not part of the SwiftPM
// build.

@testable import KioskForwarding

/// The largest body the fuzzed reader accepts (the transport's is 8 MiB).
private let fuzzBodyLimit = 4096

/// Bytes in memory handed out `piece` at a time, so that lines, chunk sizes and bodies are
/// split at every place a socket could split them.
private final class MemoryByteSource: HTTPByteSource {
    let origin = CentralURL.Origin(secure: false, host: "central.test", port: 80)
    private(set) var receivedAny = false
    private var pending: ArraySlice<UInt8>
    private var buffer: [UInt8] = []
    private var start = 0
    private let piece: Int

    init(_ bytes: [UInt8], piece: Int) {
        pending = bytes[...]
        self.piece = piece
    }

    var unconsumed: ArraySlice<UInt8> { buffer[start...] }

    func consume(_ count: Int) {
        guard count >= 0, start + count <= buffer.count else { fatalError("consumed bytes that were not there") }
        start += count
    }

    func readMore() throws(TransportError) -> Bool {
        guard !pending.isEmpty else { return false }
        buffer.append(contentsOf: pending.prefix(piece))
        pending = pending.dropFirst(piece)
        receivedAny = true
        return true
    }
}

/// The first byte: bit 7 asks for a HEAD request (no body), the rest is the piece size − 1;
/// the other bytes are what the server sends. Answers are read one after the other as long
/// as the connection could be kept, as the transport's thread does.
func fuzzHTTPResponse(_ bytes: UnsafeRawBufferPointer) {
    guard let first = bytes.first else { return }
    let source = MemoryByteSource(Array(bytes.dropFirst()), piece: Int(first & 0x7F) + 1)
    let reader = HTTPResponseReader(connection: source, limit: fuzzBodyLimit)
    let method = first & 0x80 != 0 ? "HEAD" : "POST"
    for _ in 0..<16 {
        guard let outcome = try? reader.read(method: method) else { return }
        guard outcome.response.body.count <= fuzzBodyLimit else { fatalError("a body over the limit was accepted") }
        guard (200...999).contains(outcome.response.status) || outcome.response.status < 100 else {
            fatalError("an interim answer \(outcome.response.status) was returned as the final one")
        }
        if method == "HEAD" && !outcome.response.body.isEmpty { fatalError("a body for HEAD") }
        guard outcome.keepAlive, !source.unconsumed.isEmpty else { return }
    }
}
