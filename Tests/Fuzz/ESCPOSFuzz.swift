// Fuzz targets `escpos-interpreter` (any byte stream read as ESC/POS, and its transcript),
// `escpos-render` (the same, then the bitmap the printer would print, with Unifont from
// /usr/share/unifont when installed) and `printer-profile` (the printer profile file parser). Built by .ci/fuzz.sh with
// `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

import ESCPOS

func fuzzESCPOSInterpreter(_ bytes: UnsafeRawBufferPointer) {
    let receipt = ESCPOSInterpreter.interpret(Array(bytes))
    guard receipt.notes.count <= RenderedReceipt.maxNotes else { fatalError("more notes than the limit") }
    _ = receipt.transcript
}

/// The largest input rendered: drawing costs a few instrumented comparisons per dot of
/// paper (milliseconds for a short receipt), so long inputs would eat the whole budget of a
/// run over every target; the renderer's branches are all reachable from short ones.
private let largestRenderedInput = 512

func fuzzESCPOSRender(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count <= largestRenderedInput else { return }
    let receipt = ESCPOSInterpreter.interpret(Array(bytes))
    _ = receipt.transcript
    let bitmap = receipt.bitmap()
    guard bitmap.width == receipt.paperWidthDots, bitmap.bytes.count == bitmap.bytesPerRow * bitmap.height else {
        fatalError("bitmap of \(bitmap.width)×\(bitmap.height) for paper of \(receipt.paperWidthDots) dots")
    }
}

func fuzzPrinterProfile(_ bytes: UnsafeRawBufferPointer) {
    do {
        let profile = try PrinterProfile.parse(String(decoding: bytes, as: UTF8.self), name: "fuzz")
        // A profile that parses must be usable by the interpreter.
        let receipt = ESCPOSInterpreter.interpret(Array("Xin chào\n".utf8), profile: profile)
        _ = receipt.transcript
    } catch {
        _ = error.description
    }
}
