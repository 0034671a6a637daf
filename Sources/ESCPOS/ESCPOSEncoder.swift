/// Builds the ESC/POS bytes of a receipt for one printer profile.
///
/// Commands are sent only when the printer state changes (style, code page). All text goes
/// through `PrintableText.sanitize` first, so nothing from outside can become a command.
public struct ESCPOSEncoder: Sendable {
    /// How text lines are turned into bytes.
    public enum TextRendering: Sendable {
        /// Code pages wherever they render every character; for the other lines, user-defined
        /// characters or raster, whichever is fewer bytes.
        case cheapest
        /// Code pages where they render every character, raster for the rest (no `ESC &`).
        case codePagesOrRaster
        /// Every text line as a raster image (for comparison and for printers with no usable page).
        case rasterOnly
    }

    /// Kinds of cut.
    public enum Cut: Sendable {
        /// Cut through.
        case full
        /// Leave one point uncut.
        case partial
    }

    /// The printer the bytes are for.
    public var profile: PrinterProfile { fixed.profile }
    /// Text strategy.
    public var textRendering: TextRendering
    /// The bytes so far.
    public internal(set) var bytes: [UInt8] = []

    /// What the encoder knows of its printer and font for its whole life, behind one reference:
    /// trying a line two ways copies the encoder, and a copy should not retain every part of
    /// a profile.
    final class Fixed: Sendable {
        let profile: PrinterProfile
        let rasterText: RasterTextRenderer
        /// The line planner for `profile` (its pages and tables looked up once per encoder)…
        let planner: LineEncodingPlanner
        /// …and the same without its fast paths.
        let generalPlanner: LineEncodingPlanner

        init(profile: PrinterProfile, face: UnifontFace?) {
            self.profile = profile
            rasterText = RasterTextRenderer(face: face)
            planner = LineEncodingPlanner(profile: profile)
            var general = planner
            general.useFastPath = false
            generalPlanner = general
        }
    }

    let fixed: Fixed
    var rasterText: RasterTextRenderer { fixed.rasterText }
    private var planner: LineEncodingPlanner { useFastPath ? fixed.planner : fixed.generalPlanner }
    private(set) var page: CodePage?
    private var style = TextStyle.plain
    /// The downloaded characters of font A and B (index: the font's raw value).
    var userDefinedSets: [UserDefinedCharacterSet]
    private(set) var userDefinedOn = false
    /// Whether text takes the table-driven fast paths (tests turn it off to compare with the
    /// general path, which must give the same bytes).
    var useFastPath = true

    /// Creates an encoder; `face` is the Unifont used for raster lines.
    public init(profile: PrinterProfile, textRendering: TextRendering = .cheapest, face: UnifontFace? = .system) {
        self.fixed = Fixed(profile: profile, face: face)
        self.textRendering = textRendering
        self.userDefinedSets = Self.emptySets(profile)
    }

    private static func emptySets(_ profile: PrinterProfile) -> [UserDefinedCharacterSet] {
        [
            UserDefinedCharacterSet(codes: profile.userDefinedCodes),
            UserDefinedCharacterSet(codes: profile.userDefinedCodes),
        ]
    }

    /// Encodes a whole document: `ESC @`, its elements, and nothing after.
    public static func encode(
        _ document: ReceiptDocument, profile: PrinterProfile, textRendering: TextRendering = .cheapest
    ) -> [UInt8] {
        encode(document, profile: profile, textRendering: textRendering, useFastPath: true)
    }

    /// `encode`, with the fast paths turned off when `useFastPath` is false and another font
    /// face if given (for tests).
    static func encode(
        _ document: ReceiptDocument, profile: PrinterProfile, textRendering: TextRendering, useFastPath: Bool,
        face: UnifontFace? = .system
    ) -> [UInt8] {
        var e = ESCPOSEncoder(profile: profile, textRendering: textRendering, face: face)
        e.useFastPath = useFastPath
        // A receipt is 0.5–3 KB: one allocation instead of a doubling per power of two.
        e.bytes.reserveCapacity(4096)
        e.initialize()
        for element in document.elements {
            switch element {
            case .text(let s, let st): e.text(s, style: st)
            case .barcode(let s):
                e.align(.center)
                e.code128(s)
            case .qr(let s):
                e.align(.center)
                e.qrCode(s)
            case .feed(let n): e.feed(lines: n)
            case .cut: e.cut(.partial, feed: 3)
            case .beep: e.beep(times: 1, duration: 2)
            }
        }
        return e.bytes
    }

    // MARK: Printer state

    /// `ESC @`: reset the printer to its power-on state.
    public mutating func initialize() {
        bytes += [0x1B, 0x40]
        page = nil
        style = .plain
        // ESC @ clears the downloaded characters and deselects the set.
        userDefinedSets = Self.emptySets(profile)
        userDefinedOn = false
    }

    /// `ESC E n`: emphasis on or off.
    public mutating func bold(_ on: Bool) {
        guard style.bold != on else { return }
        bytes += [0x1B, 0x45, on ? 1 : 0]
        style.bold = on
    }

    /// `ESC - n`: one-dot underline on or off.
    public mutating func underline(_ on: Bool) {
        guard style.underline != on else { return }
        bytes += [0x1B, 0x2D, on ? 1 : 0]
        style.underline = on
    }

    /// `GS ! n`: double width and/or height.
    public mutating func size(doubleWidth: Bool, doubleHeight: Bool) {
        guard style.doubleWidth != doubleWidth || style.doubleHeight != doubleHeight else { return }
        style.doubleWidth = doubleWidth
        style.doubleHeight = doubleHeight
        bytes += [0x1D, 0x21, style.sizeByte]
    }

    /// `ESC a n`: alignment of the following lines, barcodes and images.
    public mutating func align(_ alignment: TextStyle.Alignment) {
        guard style.alignment != alignment else { return }
        bytes += [0x1B, 0x61, alignment.rawValue]
        style.alignment = alignment
    }

    /// `ESC M n`: font A or B.
    public mutating func font(_ font: TextStyle.Font) {
        guard style.font != font else { return }
        bytes += [0x1B, 0x4D, font.rawValue]
        style.font = font
    }

    /// `ESC t n`: select a character code page by its number on this printer.
    public mutating func selectCodePage(number: UInt8) {
        bytes += [0x1B, 0x74, number]
        page = profile.codePages.first { $0.value == number }?.key
    }

    private mutating func apply(_ s: TextStyle) {
        align(s.alignment)
        font(s.font)
        bold(s.bold)
        underline(s.underline)
        size(doubleWidth: s.doubleWidth, doubleHeight: s.doubleHeight)
    }

    /// `DLE EOT n`: the real-time status request for `n` = 1 (printer), 2 (offline cause),
    /// 3 (error cause) or 4 (paper sensor). The printer answers one byte even mid-job.
    public static func statusRequest(_ n: UInt8) -> [UInt8] { [0x10, 0x04, n] }

    // MARK: Paper

    /// `ESC d n`: print and feed `lines` lines.
    public mutating func feed(lines: Int) {
        guard lines > 0 else { return }
        bytes += [0x1B, 0x64, UInt8(min(lines, 255))]
    }

    /// `GS V 65/66 n`: feed `feed` lines then cut; printers without a cutter get the feed only.
    public mutating func cut(_ kind: Cut, feed: Int = 0) {
        switch profile.cutter {
        case .none: self.feed(lines: max(feed, 4))
        case .full, .partial:
            let partial = kind == .partial && profile.cutter == .partial
            let lineDots = 24
            bytes += [0x1D, 0x56, partial ? 66 : 65, UInt8(min(feed * lineDots, 255))]
        }
    }

    /// `ESC B n t`: beep `times` times for `duration`×100 ms, where the profile has a buzzer.
    public mutating func beep(times: Int, duration: Int) {
        guard profile.hasBuzzer else { return }
        bytes += [0x1B, 0x42, UInt8(min(max(times, 1), 9)), UInt8(min(max(duration, 1), 9))]
    }

    // MARK: Text

    /// Prints text in `style`, line by line, each line in the cheapest form that renders
    /// every character: code pages where possible, otherwise user-defined characters or a
    /// Unifont raster image, whichever is fewer bytes.
    public mutating func text(_ s: String, style newStyle: TextStyle = .plain) {
        if useFastPath {
            // Text with nothing to remove or normalise has no line feed either.
            if PrintableText.isPrintableAsIs(s) { return line(s, style: newStyle) }
            if !s.utf8.contains(0x0A) { return line(PrintableText.sanitize(s), style: newStyle) }
        }
        for rawLine in s.split(separator: "\n", omittingEmptySubsequences: false) {
            line(PrintableText.sanitize(String(rawLine), fastPath: useFastPath), style: newStyle)
        }
    }

    /// Sends one line in the cheapest form that prints every character right: code pages
    /// alone where they can; otherwise user-defined characters (downloaded as needed) or a
    /// raster image, whichever puts fewer bytes on the wire. Each form is encoded on a copy of
    /// the encoder and the copy with the fewest bytes is kept, so the comparison is exact.
    private mutating func line(_ line: String, style newStyle: TextStyle) {
        guard textRendering != .rasterOnly || line.isEmpty else { return rasterLine(line, style: newStyle) }
        guard useFastPath else {
            if let runs = planner.plan(line, startingPage: page, userDefined: [:], userDefinedOn: userDefinedOn) {
                return textLine(runs, style: newStyle, downloads: [])
            }
            return generalLine(line, style: newStyle)
        }
        // Nil: characters outside the tables, for the general planner.
        let uncarried = fixed.planner.uncarried(line)
        if uncarried == nil || (!userDefinedOn && uncarried!.isEmpty),
            let runs = uncarried == nil
                ? fixed.planner.plan(line, startingPage: page, userDefined: [:], userDefinedOn: userDefinedOn)
                : fixed.planner.asciiRun(line, startingPage: page)
        {
            return textLine(runs, style: newStyle, downloads: [])
        }
        if uncarried?.isEmpty == true,
            let sent: Void = fixed.planner.withTabledSteps(
                line, startingPage: page, userCodes: [], userDefinedOn: userDefinedOn,
                { textLine(steps: $0, style: newStyle, downloads: []) })
        {
            return sent
        }
        // The letters to define: those no page carries, and a blank cell where the line has a
        // space, so that a space between two downloaded letters stays in the set (4 bytes once).
        var needed = uncarried
        if needed?.isEmpty == false && line.utf8.contains(0x20) { needed!.append(0x20) }
        if textRendering == .cheapest, let needed, !needed.isEmpty,
            sendViaUserDefined(line, needed: needed, style: newStyle)
        {
            return
        }
        // The copies hold only the line's bytes; the receipt so far is set aside meanwhile.
        var sent = bytes
        bytes = []
        defer {
            sent += bytes
            bytes = sent
        }
        if textRendering == .cheapest,
            let viaUserDefined = needed.map({ tabledUserDefinedTrial(line, needed: $0, style: newStyle) })
                ?? userDefinedTrial(line, style: newStyle),
            // The raster form takes 16 bytes a character at least (a glyph is 8 dots by 16 or
            // more, no wider than the paper; each scalar of a tabled line is a character), 8 for
            // the band's GS v 0 and 3 for ESC J: below that its exact size is not needed.
            (needed != nil && profile.paperWidthDots >= 32
                && viaUserDefined.bytes.count < 16 * line.unicodeScalars.count + 11)
                || viaUserDefined.bytes.count < rasterLineByteCount(line, style: newStyle)
        {
            self = viaUserDefined
            return
        }
        rasterLine(line, style: newStyle)
    }

    /// `line` for a line no page carries alone, as the reference: the raster form drawn to
    /// count its bytes, every character through the general planner.
    private mutating func generalLine(_ line: String, style newStyle: TextStyle) {
        var raster = self
        raster.bytes = []
        raster.rasterLine(line, style: newStyle)
        guard textRendering == .cheapest,
            var viaUserDefined = userDefinedTrial(line, style: newStyle),
            viaUserDefined.bytes.count < raster.bytes.count
        else {
            let prefix = bytes
            self = raster
            bytes = prefix + self.bytes
            return
        }
        viaUserDefined.bytes = bytes + viaUserDefined.bytes
        self = viaUserDefined
    }

    /// The line through user-defined characters, encoded on a copy holding only the line's
    /// bytes; nil when the profile takes none in this font or a letter does not fit the cell.
    func userDefinedTrial(_ line: String, style newStyle: TextStyle) -> ESCPOSEncoder? {
        guard let cell = profile.userDefinedCells[newStyle.font] else { return nil }
        let pages = planner.pages
        var needed: [Character] = []
        for ch in line where !needed.contains(ch) {
            let ascii = ch.unicodeScalars.count == 1 && (0x20..<0x7F).contains(ch.unicodeScalars.first!.value)
            if ascii || pages.contains(where: { planner.encode(ch, on: $0) != nil }) { continue }
            needed.append(ch)
        }
        guard !needed.isEmpty else { return nil }
        // A blank cell lets a space between two downloaded letters stay in the set (4 bytes once).
        if line.contains(" ") { needed.append(" ") }
        var cells: [Character: MonochromeBitmap] = [:]
        for ch in needed {
            guard let fitted = cell.fit(rasterText.glyphBitmap(for: ch)) else { return nil }
            cells[ch] = fitted
        }
        let set = userDefinedSets[Int(newStyle.font.rawValue)]
        guard let codes = set.assignment(for: needed),
            let runs = planner.plan(line, startingPage: page, userDefined: codes, userDefinedOn: userDefinedOn)
        else { return nil }
        let used = Set(runs.filter(\.userDefined).flatMap(\.bytes))
        let downloads = codes.filter { used.contains($0.value) && set.code(of: $0.key) != $0.value }
            .map {
                Download(code: $0.value, letter: $0.key, scalar: nil, definition: cell.definition(of: cells[$0.key]!))
            }
            .sorted { $0.code < $1.code }
        var trial = self
        trial.bytes = []
        trial.textLine(runs, style: newStyle, downloads: downloads)
        trial.userDefinedSets[Int(newStyle.font.rawValue)].markUsed(used)
        return trial
    }

    /// A letter to download with `ESC &`: its code and its cell's columns.
    struct Download {
        var code: UInt8
        /// The letter: a `Character` from the general path, a scalar from the fast path.
        var letter: Character?
        var scalar: UInt32?
        /// `UserDefinedCell.definition(of:)` of the fitted glyph.
        var definition: [UInt8]
    }

    /// `ESC &` for the downloads (consecutive codes in one command), then the runs and LF.
    private mutating func textLine(
        _ runs: [LineEncodingPlanner.Run], style newStyle: TextStyle, downloads: [Download]
    ) {
        download(downloads, font: newStyle.font)
        apply(newStyle)
        for run in runs {
            if run.userDefined != userDefinedOn {
                bytes += [0x1B, 0x25, run.userDefined ? 1 : 0]
                userDefinedOn = run.userDefined
            }
            if !run.userDefined, let p = run.page, p != page, let n = profile.codePages[p] {
                selectCodePage(number: n)
            }
            bytes += run.bytes
        }
        bytes.append(0x0A)
    }

    /// `textLine` from the planner's steps: the same commands where a run of `textLine` would
    /// start (the page or the set setting changes), with no run built.
    mutating func textLine(
        steps: UnsafeBufferPointer<LineEncodingPlanner.Step>, style newStyle: TextStyle, downloads: [Download]
    ) {
        download(downloads, font: newStyle.font)
        apply(newStyle)
        for (k, step) in steps.enumerated() {
            if k == 0 || steps[k - 1].page != step.page || steps[k - 1].userDefined != step.userDefined {
                if step.userDefined != userDefinedOn {
                    bytes.append(0x1B)
                    bytes.append(0x25)
                    bytes.append(step.userDefined ? 1 : 0)
                    userDefinedOn = step.userDefined
                }
                if !step.userDefined, let p = step.page, p != page, let n = profile.codePages[p] {
                    selectCodePage(number: n)
                }
            }
            bytes.append(UInt8(truncatingIfNeeded: step.option))
            if step.option >> 16 == 2 { bytes.append(UInt8(truncatingIfNeeded: step.option >> 8)) }
        }
        bytes.append(0x0A)
    }

    /// `ESC &` for the downloads, consecutive codes in one command, defining them in `font`'s set.
    private mutating func download(_ downloads: [Download], font: TextStyle.Font) {
        guard !downloads.isEmpty, let cell = profile.userDefinedCells[font] else { return }
        // ESC & defines the characters of the font selected when it arrives.
        self.font(font)
        var k = 0
        while k < downloads.count {
            var end = k
            while end + 1 < downloads.count && downloads[end + 1].code == downloads[end].code + 1 { end += 1 }
            bytes += [0x1B, 0x26, UInt8(cell.bytesPerColumn), downloads[k].code, downloads[end].code]
            for d in downloads[k...end] {
                bytes += d.definition
                if let scalar = d.scalar {
                    userDefinedSets[Int(font.rawValue)].define(scalar: scalar, at: d.code)
                } else {
                    userDefinedSets[Int(font.rawValue)].define(d.letter!, at: d.code)
                }
            }
            k = end + 1
        }
    }

    /// The number of bytes `rasterLine` sends for `line`, from the image's size alone.
    private func rasterLineByteCount(_ line: String, style newStyle: TextStyle) -> Int {
        let size = rasterText.size(of: line, style: newStyle, maxWidth: profile.paperWidthDots)
        let width = min(size.width, profile.paperWidthDots)
        var count = (style.alignment != newStyle.alignment ? 3 : 0) + 3
        if width > 0 && size.height > 0 {
            count += 8 * ((size.height + 127) / 128) + (width + 7) / 8 * size.height
        }
        return count
    }

    /// The line as a Unifont raster image.
    private mutating func rasterLine(_ line: String, style newStyle: TextStyle) {
        align(newStyle.alignment)
        let image = rasterText.render(line, style: newStyle, maxWidth: profile.paperWidthDots)
        raster(image)
        // Glyphs are 16 dots high, text lines 24: ESC J adds the missing line spacing for 3 bytes.
        bytes += [0x1B, 0x4A, UInt8(8 * (newStyle.doubleHeight ? 2 : 1))]
    }

    // MARK: Barcodes and images

    /// `GS H`, `GS h`, `GS w`, `GS k 73`: a CODE128 barcode with its text below.
    ///
    /// Characters outside printable ASCII are dropped; nothing prints if none is left. The
    /// module width shrinks (down to 1 dot) so the symbol and its quiet zones fit the paper:
    /// printers silently skip a barcode wider than the paper.
    public mutating func code128(_ text: String, height: Int = 80, moduleWidth: Int = 2) {
        guard let data = Code128.escposData(for: PrintableText.sanitize(text)), data.count <= 255,
            let symbol = Code128.symbol(fromESCPOSData: data, withText: false)
        else { return }
        let modules = Code128.moduleCount(of: symbol.values) + 20
        let module = min(max(moduleWidth, 1), 6, max(1, profile.paperWidthDots / modules))
        bytes += [0x1D, 0x48, 2, 0x1D, 0x68, UInt8(min(max(height, 1), 255))]
        bytes += [0x1D, 0x77, UInt8(module), 0x1D, 0x6B, 73, UInt8(data.count)] + data
    }

    /// A QR code of `text`: native `GS ( k` where the profile has it, else a raster image from
    /// this module's encoder. Data too long for a QR code prints nothing.
    public mutating func qrCode(_ text: String, errorCorrection: QRErrorCorrection = .medium) {
        let data = Array(text.utf8)
        if profile.nativeQR {
            nativeQR(data, moduleSize: profile.qrModuleSize, errorCorrection: errorCorrection)
        } else if let code = try? QRCode.encode(data, errorCorrection: errorCorrection) {
            if profile.rasterScaling && profile.qrModuleSize % 2 == 0 {
                raster(code.bitmap(moduleSize: profile.qrModuleSize / 2, quietZone: 4), scale: 2)
            } else {
                raster(code.bitmap(moduleSize: profile.qrModuleSize))
            }
        }
    }

    /// `GS ( k`: model 2 (fn 65), module size (fn 67), level (fn 69), store (fn 80), print (fn 81).
    public mutating func nativeQR(_ data: [UInt8], moduleSize: Int, errorCorrection: QRErrorCorrection) {
        guard !data.isEmpty, data.count <= 7089 else { return }
        bytes += [0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0x00]
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, UInt8(min(max(moduleSize, 1), 16))]
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x45, errorCorrection.escposByte]
        let n = data.count + 3
        bytes += [0x1D, 0x28, 0x6B, UInt8(n & 0xFF), UInt8(n >> 8), 0x31, 0x50, 0x30] + data
        bytes += [0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x51, 0x30]
    }

    /// `GS v 0`: a raster image, sent in bands of at most 128 rows (printers' receive buffers
    /// are small). Wider images are cut at the paper width. With `scale` 2 the printer prints
    /// each dot 2×2 (`m` = 3), for profiles with `RasterScaling=yes`.
    public mutating func raster(_ image: MonochromeBitmap, scale: Int = 1) {
        let scale = scale == 2 && profile.rasterScaling ? 2 : 1
        let widest = profile.paperWidthDots / scale
        let bitmap = image.width > widest ? image.cropped(toWidth: widest) : image
        guard bitmap.width > 0, bitmap.height > 0 else { return }
        let w = bitmap.bytesPerRow
        var y = 0
        while y < bitmap.height {
            let h = min(128, bitmap.height - y)
            bytes += [
                0x1D, 0x76, 0x30, scale == 2 ? 3 : 0, UInt8(w & 0xFF), UInt8(w >> 8), UInt8(h & 0xFF), UInt8(h >> 8),
            ]
            bytes += bitmap.bytes[(y * w)..<((y + h) * w)]
            y += h
        }
    }
}
