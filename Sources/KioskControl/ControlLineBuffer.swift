/// Splits the bytes read from a connection into lines, refusing a line longer than the cap
/// as soon as it is known to be too long (without buffering the rest of it).
package struct ControlLineBuffer {
    /// What the buffer holds next.
    package enum Next: Equatable {
        /// A complete line, without `\n` (and without a trailing `\r`).
        case line([UInt8])
        /// The next line is longer than the cap.
        case tooLarge
        /// No complete line yet.
        case needMore
    }

    package let maximumLineBytes: Int
    private var bytes: [UInt8] = []
    private var start = 0
    private var scanned = 0

    package init(maximumLineBytes: Int) { self.maximumLineBytes = maximumLineBytes }

    /// Whether bytes of an unfinished line are held.
    package var hasPartialLine: Bool { start < bytes.count }

    package mutating func append(_ chunk: UnsafeRawBufferPointer) {
        if start > 0 && start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
        } else if start > 65_536 {
            bytes.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        bytes.append(contentsOf: chunk)
    }

    package mutating func next() -> Next {
        while scanned < bytes.count {
            if bytes[scanned] == 0x0A {
                var end = scanned
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                let line = Array(bytes[start..<end])
                scanned += 1
                start = scanned
                if line.count > maximumLineBytes { return .tooLarge }
                return .line(line)
            }
            scanned += 1
        }
        return bytes.count - start > maximumLineBytes + 1 ? .tooLarge : .needMore
    }

    /// The unfinished last line at end of input (a request sent without its `\n`).
    package mutating func takePartialLine() -> [UInt8] {
        let line = Array(bytes[start...])
        start = bytes.count
        scanned = bytes.count
        return line
    }
}
