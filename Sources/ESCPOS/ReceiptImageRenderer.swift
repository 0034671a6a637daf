/// Draws an interpreted receipt as the printer would: text with Unifont glyphs in the font's
/// cells, barcodes as bars, native QR codes with this module's QR encoder, images as they are.
struct ReceiptImageRenderer {
    let receipt: RenderedReceipt
    let face: UnifontFace?

    /// Longest paper drawn (about 4 m at 203 dpi): a stream of feeds cannot exhaust memory.
    static let maxHeight = 32_768

    func render() -> MonochromeBitmap {
        let width = receipt.paperWidthDots
        var bands: [(MonochromeBitmap, TextStyle.Alignment)] = [(MonochromeBitmap(width: width, height: 8), .left)]
        var total = 8
        for element in receipt.elements where total < Self.maxHeight {
            let band: (MonochromeBitmap, TextStyle.Alignment)
            switch element {
            case .text(let line): band = (text(line), line.alignment)
            case .code128(let symbol, let height, let module, let alignment):
                band = (barcode(symbol, height: height, module: module), alignment)
            case .otherBarcode: band = (MonochromeBitmap(width: 8, height: 24), .left)
            case .qr(let data, let module, let level, let alignment):
                if let code = try? QRCode.encode(data, errorCorrection: level) {
                    band = (code.bitmap(moduleSize: module, quietZone: 4), alignment)
                } else {
                    band = (MonochromeBitmap(width: 8, height: 8), alignment)
                }
            case .raster(let bitmap, let alignment): band = (bitmap, alignment)
            case .feed(let dots): band = (MonochromeBitmap(width: 8, height: min(dots, Self.maxHeight)), .left)
            case .cut:
                var b = MonochromeBitmap(width: width, height: 24)
                for x in stride(from: 0, to: width, by: 8) { b.fill(x: x, y: 11, width: 4, height: 2) }
                band = (b, .left)
            case .statusRequest, .beep: continue
            }
            bands.append(band)
            total += band.0.height
        }
        var page = MonochromeBitmap(width: width, height: min(total, Self.maxHeight))
        var y = 0
        for (b, alignment) in bands {
            let slack = max(0, width - b.width)
            let x = alignment == .left ? 0 : (alignment == .center ? slack / 2 : slack)
            page.draw(b, x: x, y: y)
            y += b.height
            if y >= page.height { break }
        }
        return page
    }

    private func text(_ line: RenderedReceipt.Line) -> MonochromeBitmap {
        let renderer = RasterTextRenderer(face: face)
        let tall = line.runs.contains { $0.style.doubleHeight }
        let lineHeight = tall ? 48 : 24
        var cells: [(MonochromeBitmap, x: Int, bottomGap: Int)] = []
        var x = 0
        for run in line.runs {
            let cellWidth =
                (receipt.paperWidthDots / max(1, run.style.font == .a ? receipt.columnsFontA : receipt.columnsFontB))
                * (run.style.doubleWidth ? 2 : 1)
            if !run.userDefinedGlyphs.isEmpty {
                // Downloaded cells print as sent, bottom-aligned in the line like resident text.
                for cell in run.userDefinedGlyphs {
                    let dots = RasterTextRenderer.styled(cell, run.style)
                    cells.append((dots, x, 0))
                    x += max(cellWidth, dots.width)
                }
                continue
            }
            for ch in run.text {
                let glyph = renderer.render(String(ch), style: run.style, maxWidth: 64)
                let w = max(cellWidth, glyph.width)
                cells.append((glyph, x + (w - glyph.width) / 2, 4))
                x += w
            }
        }
        var out = MonochromeBitmap(width: min(max(x, 1), receipt.paperWidthDots), height: lineHeight)
        for (g, cx, gap) in cells { out.draw(g, x: cx, y: lineHeight - g.height - gap) }
        return out
    }

    private func barcode(_ symbol: Code128.Symbol?, height: Int, module: Int) -> MonochromeBitmap {
        guard let symbol else { return MonochromeBitmap(width: 8, height: 8) }
        let widths = Code128.moduleWidths(of: symbol.values)
        let quiet = 10 * module
        let barsWidth = widths.reduce(0, +) * module
        let hri = RasterTextRenderer(face: face).render(symbol.text, style: .plain, maxWidth: receipt.paperWidthDots)
        var out = MonochromeBitmap(width: barsWidth + 2 * quiet, height: height + hri.height + 8)
        var x = quiet
        for (k, w) in widths.enumerated() {
            if k % 2 == 0 { out.fill(x: x, y: 0, width: w * module, height: height) }
            x += w * module
        }
        out.draw(hri, x: max(0, (out.width - hri.width) / 2), y: height + 4)
        return out
    }
}

extension RenderedReceipt {
    /// The receipt as a grayscale PNG, each printer dot `scale`×`scale` pixels.
    public func png(scale: Int = 1) -> [UInt8] {
        PNGWriter.png(bitmap(), scale: scale)
    }

    /// The receipt as the printer would print it, one bit per dot.
    public func bitmap(face: UnifontFace? = .system) -> MonochromeBitmap {
        ReceiptImageRenderer(receipt: self, face: face).render()
    }
}
