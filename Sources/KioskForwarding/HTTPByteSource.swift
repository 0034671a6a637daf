/// Where ``HTTPResponseReader`` takes an answer's bytes from: a connection to the central
/// server (``HTTPConnection``), or bytes in memory (the fuzz target).
protocol HTTPByteSource: AnyObject {
    /// Where the bytes come from, for the errors' text.
    var origin: CentralURL.Origin { get }
    /// Whether any byte arrived for the current exchange.
    var receivedAny: Bool { get }
    /// The bytes received and not yet consumed.
    var unconsumed: ArraySlice<UInt8> { get }
    /// Marks `count` of the unconsumed bytes as consumed.
    func consume(_ count: Int)
    /// Receives more bytes; false at the end of the stream.
    func readMore() throws(TransportError) -> Bool
}
