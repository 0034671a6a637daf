// Fuzz target `printer-reply`: the filter that picks `DLE EOT` status answers out of what a
// printer sends back (XON/XOFF, Automatic Status Back blocks, noise). Built by .ci/fuzz.sh
// with `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

import KioskDevices

func fuzzPrinterReplyFilter(_ bytes: UnsafeRawBufferPointer) {
    var filter = PrinterReplyFilter()
    for byte in bytes {
        guard let answer = filter.feed(byte) else { continue }
        guard answer == byte, PrinterStatus.isAnswer(answer), answer != 0x11, answer != 0x13 else {
            fatalError("the filter let 0x\(String(byte, radix: 16)) through as an answer")
        }
    }
}
