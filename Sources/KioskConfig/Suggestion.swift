/// "Did you mean" suggestions for misspelt names.
enum Suggestion {
    /// The candidate nearest to `word` when it is within edit distance 2 (ignoring case);
    /// failing that, one that starts `word` or that `word` starts (`BaudRate` → `Baud`,
    /// `warn` → `warning`), at least 3 characters in common.
    static func nearest(to word: String, among candidates: [String]) -> String? {
        // Names are short; a long word is no misspelling of one (and would cost time).
        guard word.utf8.count <= 64 else { return nil }
        let lower = word.lowercased()
        let target = Array(lower.utf8)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased().utf8))
            if distance <= 2, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        if let best { return best.name }
        return candidates.first { candidate in
            let other = candidate.lowercased()
            return min(other.count, lower.count) >= 3 && (lower.hasPrefix(other) || other.hasPrefix(lower))
        }
    }

    /// Levenshtein distance over UTF-8 bytes: insertions, deletions and substitutions (names
    /// compared here are ASCII, where bytes are characters).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
