@_spi(_Unicode) import Swift

// Unicode canonical normalisation from the standard library's own tables, so that no module of
// kioskd needs Foundation (`precomposedStringWithCanonicalMapping` is not in
// FoundationEssentials; Foundation's copy maps libFoundation and ICU, ~6.6 MiB of RSS: see
// docs/memory.md). The standard library keeps NFC and NFD behind the `_Unicode` SPI; it is
// the implementation `String` comparison itself uses.
extension StringProtocol {
    /// The text in Unicode Normalization Form C (canonical decomposition, then canonical
    /// composition): Vietnamese letters as single precomposed characters wherever Unicode has
    /// them. What Foundation calls `precomposedStringWithCanonicalMapping`.
    public var canonicallyComposed: String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(self)._nfc)
        return String(scalars)
    }

    /// The text in Unicode Normalization Form D: each letter as its base letter followed by
    /// its combining marks, in canonical order. What Foundation calls
    /// `decomposedStringWithCanonicalMapping`.
    public var canonicallyDecomposed: String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(self)._nfd)
        return String(scalars)
    }
}
