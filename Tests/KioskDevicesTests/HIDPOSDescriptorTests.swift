import CKioskShim
import Testing

@testable import KioskDevices

@Suite("HID-POS report descriptor")
struct HIDPOSDescriptorTests {
    @Test("a HID-POS scanner's descriptor: where the report carries count, symbology, data and continuation")
    func scannerLayout() throws {
        let layout = try HIDPOSDescriptor(parsing: HIDPOSFixtures.scanner)
        #expect(layout.reportID == 2)
        #expect(layout.reportBytes == 63)
        #expect(layout.byteCount == .init(bitOffset: 0, bitSize: 8))
        #expect(layout.symbology.map(\.bitOffset) == [8, 16, 24])
        #expect(layout.decodedData == .init(bitOffset: 32, bitSize: 56 * 8))
        #expect(layout.continued == .init(bitOffset: 62 * 8, bitSize: 1))
        #expect(HIDPOSDescriptor.isBarcodeScanner(HIDPOSFixtures.scanner))
    }

    @Test("a keyboard (a scanner in keyboard-wedge mode) is rejected and named")
    func keyboardRejected() {
        #expect(!HIDPOSDescriptor.isBarcodeScanner(HIDPOSFixtures.keyboard))
        do {
            _ = try HIDPOSDescriptor(parsing: HIDPOSFixtures.keyboard)
            Issue.record("a keyboard descriptor was accepted")
        } catch {
            #expect(error.isNotBarcodeScanner)
            #expect(error.description.contains("Generic Desktop Keyboard (0x01:0x06)"))
            #expect(error.description.contains("Mode=evdev"))
        }
    }

    @Test("the page must be 0x8C: the same layout on a vendor page is not HID-POS")
    func vendorPageRejected() {
        var vendor = HIDPOSFixtures.scanner
        vendor.replaceSubrange(0..<2, with: [0x06, 0x8C, 0xFF])  // Usage Page (0xFF8C)
        #expect(!HIDPOSDescriptor.isBarcodeScanner(vendor))
    }

    @Test("without report IDs the report has no ID byte")
    func noReportIDs() throws {
        let plain = HIDPOSFixtures.scanner.enumerated().filter { !($0.offset == 10 || $0.offset == 11) }.map(\.element)
        let layout = try HIDPOSDescriptor(parsing: plain)
        #expect(layout.reportID == nil)
        #expect(layout.reportBytes == 63)
    }

    @Test("a page 0x8C collection without Decoded Data says so")
    func noDecodedData() {
        let bytes: [UInt8] = [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x75, 0x08, 0x95, 0x01, 0x09, 0xFB, 0x81, 0x02, 0xC0]
        #expect(throws: HIDPOSDescriptorError.noScannedData) { try HIDPOSDescriptor(parsing: bytes) }
    }

    @Test("damaged descriptors are errors, never crashes: every prefix and every byte flipped")
    func damagedDescriptors() {
        for end in 0..<HIDPOSFixtures.scanner.count {
            let prefix = Array(HIDPOSFixtures.scanner[..<end])
            #expect(throws: HIDPOSDescriptorError.self) { try HIDPOSDescriptor(parsing: prefix) }
        }
        for index in HIDPOSFixtures.scanner.indices {
            for value: UInt8 in [0x00, 0xFE, 0xFF, 0xC0, 0xA1, 0x85] {
                var bytes = HIDPOSFixtures.scanner
                bytes[index] = value
                _ = try? HIDPOSDescriptor(parsing: bytes)
            }
        }
        #expect(throws: HIDPOSDescriptorError.self) { try HIDPOSDescriptor(parsing: [0xC0]) }
        #expect(throws: HIDPOSDescriptorError.self) { try HIDPOSDescriptor(parsing: [0xB4]) }  // Pop without Push
    }

    #if arch(x86_64)
        @Test("hidraw ioctl numbers pinned on x86-64")
        func ioctlNumbers() {
            #expect(kiosk_HIDIOCGRDESCSIZE() == 0x8004_4801)
            #expect(kiosk_HIDIOCGRDESC() == 0x9004_4802)
            #expect(kiosk_HIDIOCGRAWINFO() == 0x8008_4803)
            #expect(kiosk_HIDIOCGRAWNAME(255) == 0x80FF_4804)
            #expect(kiosk_HID_MAX_DESCRIPTOR_SIZE() == 4096)
        }
    #endif
}
