/// Report descriptors for the HID-POS tests.
enum HIDPOSFixtures {
    /// A HID-POS bar code scanner (usage page 0x8C) in the layout Honeywell, Zebra and
    /// Datalogic scanners use in "USB HID-POS" mode: report 2 of 64 bytes — byte count,
    /// 3-byte AIM symbology identifier, 56 bytes of decoded data, 2 vendor bytes, then the
    /// "Decode Data Continued" flag.
    static let scanner: [UInt8] = [
        0x05, 0x8C,  // Usage Page (Bar Code Scanner)
        0x09, 0x02,  // Usage (Bar Code Scanner)
        0xA1, 0x01,  // Collection (Application)
        0x09, 0x12,  //   Usage (Scanned Data Report)
        0xA1, 0x02,  //   Collection (Logical)
        0x85, 0x02,  //     Report ID (2)
        0x15, 0x00,  //     Logical Minimum (0)
        0x26, 0xFF, 0x00,  //     Logical Maximum (255)
        0x75, 0x08,  //     Report Size (8)
        0x95, 0x01,  //     Report Count (1)
        0x05, 0x01,  //     Usage Page (Generic Desktop)
        0x09, 0x3B,  //     Usage (Byte Count)
        0x81, 0x02,  //     Input (Data, Var, Abs)
        0x95, 0x03,  //     Report Count (3)
        0x05, 0x8C,  //     Usage Page (Bar Code Scanner)
        0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD,  // Usage (Symbology Identifier 1, 2, 3)
        0x81, 0x02,  //     Input (Data, Var, Abs)
        0x95, 0x38,  //     Report Count (56)
        0x09, 0xFE,  //     Usage (Decoded Data)
        0x82, 0x02, 0x01,  //     Input (Data, Var, Abs, Buffered Bytes)
        0x06, 0x66, 0xFF,  //     Usage Page (vendor 0xFF66)
        0x95, 0x02,  //     Report Count (2)
        0x09, 0x04, 0x09, 0x00,  // Usage (Code ID), Usage (0)
        0x81, 0x02,  //     Input (Data, Var, Abs)
        0x05, 0x8C,  //     Usage Page (Bar Code Scanner)
        0x25, 0x01,  //     Logical Maximum (1)
        0x75, 0x01,  //     Report Size (1)
        0x95, 0x08,  //     Report Count (8)
        0x09, 0xFF,  //     Usage (Decode Data Continued)
        0x81, 0x02,  //     Input (Data, Var, Abs)
        0xC0,  //   End Collection
        0xC0,  // End Collection
    ]

    /// The USB HID boot keyboard (HID 1.11 Appendix E.6): what a scanner in keyboard-wedge
    /// mode presents.
    static let keyboard: [UInt8] = [
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
        0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01,
        0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06,
        0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xC0,
    ]

    /// An ID card (CCCD) QR: Vietnamese as UTF-8.
    static let idCard =
        "001094012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021"
}
