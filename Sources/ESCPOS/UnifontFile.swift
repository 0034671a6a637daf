import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A GNU Unifont `.hex` file read one glyph at a time: the lines are sorted by code point, so
/// a glyph is found by a binary search of `pread`s (about 17 of 256 bytes for the 57,000
/// glyphs of plane 0) and kept once found; a file with a malformed line where the search
/// lands is read through instead. Holds no descriptor between lookups.
///
/// Why not load the whole file: parsed, it is about 10 MB of a kiosk's memory for the few
/// dozen letters a receipt needs when the printer lacks a code page, and none when it has one.
final class UnifontFile: Sendable {
    let path: String
    private let size: Int
    private let found = Mutex<[UInt32: UnifontFace.Glyph?]>([:])

    /// Nil when the file cannot be opened or is empty.
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        self.path = path
        size = Int(info.st_size)
    }

    /// The glyph of `code`, read from the file the first time it is asked for.
    func glyph(_ code: UInt32) -> UnifontFace.Glyph? {
        if let known = found.withLock({ $0[code] }) { return known }
        let glyph = search(code)
        found.withLock { $0[code] = glyph }
        return glyph
    }

    /// Number of well-formed lines (reads the whole file; for tests and diagnostics).
    var count: Int {
        var total = 0
        forEachLine { line in
            if UnifontFace.parseLine(line) != nil { total += 1 }
            return true
        }
        return total
    }

    /// Calls `body` with each line of the file (without its newline) until it returns false.
    private func forEachLine(_ body: (ArraySlice<UInt8>) -> Bool) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var carry: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            carry += buffer[0..<n]
            var start = 0
            while let newline = carry[start...].firstIndex(of: 0x0A) {
                guard body(carry[start..<newline]) else { return }
                start = newline + 1
            }
            carry.removeFirst(start)
        }
        if !carry.isEmpty { _ = body(carry[...]) }
    }

    /// The glyph of `code` by reading the file through: for a file with malformed lines, where
    /// the binary search cannot tell where it is.
    private func scan(_ code: UInt32) -> UnifontFace.Glyph? {
        var glyph: UnifontFace.Glyph?
        forEachLine { line in
            guard let (lineCode, lineGlyph) = UnifontFace.parseLine(line), lineCode == code else { return true }
            glyph = lineGlyph
            return false
        }
        return glyph
    }

    /// Binary search over byte offsets: the line sought, if present, starts in `low..<high`,
    /// and `low` is always the start of a line.
    private func search(_ code: UInt32) -> UnifontFace.Glyph? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var low = 0
        var high = size
        var chunk = [UInt8](repeating: 0, count: 256)
        while low < high {
            let middle = low + (high - low) / 2
            // From the byte before `middle`, so that a line starting exactly at `middle` is seen.
            let readAt = middle == low ? middle : middle - 1
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(readAt)) }
            guard n > 0 else { return nil }
            var first = 0
            if middle != low {
                guard let newline = chunk[0..<n].firstIndex(of: 0x0A) else { return scan(code) }
                first = newline + 1
            }
            // The first line starting at or after `middle`.
            let lineStart = readAt + first
            if lineStart >= high {
                // None starts in middle..<high: the line sought starts before `middle`.
                high = middle
                continue
            }
            guard let lineEnd = chunk[first..<n].firstIndex(of: 0x0A) ?? (readAt + n == size ? n : nil),
                let (lineCode, glyph) = UnifontFace.parseLine(chunk[first..<lineEnd])
            else { return scan(code) }
            if lineCode == code { return glyph }
            if lineCode < code {
                low = readAt + lineEnd + 1
            } else {
                high = lineStart
            }
        }
        return nil
    }
}
