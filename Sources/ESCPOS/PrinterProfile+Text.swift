extension PrinterProfile {
    /// The profile as a `.conf` file that `PrinterProfile.parse` reads back to an equal
    /// profile (except `name`, which is the file's), headed by `comment` lines.
    public func confText(comment: [String]) -> String {
        var lines = comment.map { "# " + $0 }
        lines += ["", "[Printer]", "Model=\(model)", "PaperWidthDots=\(paperWidthDots)"]
        lines += ["ColumnsFontA=\(columnsFontA)", "ColumnsFontB=\(columnsFontB)", "DefaultBaud=\(defaultBaud)"]
        lines += ["", "[CodePages]"]
        let keys: [(CodePage, String)] = [
            (.cp437, "CP437"), (.tcvn3Lower, "TCVN3Lower"), (.tcvn3Upper, "TCVN3Upper"), (.cp1258, "CP1258"),
        ]
        for (page, key) in keys { if let number = codePages[page] { lines.append("\(key)=\(number)") } }
        if codePages[.cp1258] != nil { lines.append("CP1258Composes=\(cp1258ComposesMarks ? "yes" : "no")") }
        lines += ["", "[Features]", "NativeQR=\(nativeQR ? "yes" : "no")", "Cut=\(cutter.rawValue)"]
        lines += ["Status=\(hasStatus ? "yes" : "no")", "Buzzer=\(hasBuzzer ? "yes" : "no")"]
        lines += ["AutomaticStatusBack=\(hasAutomaticStatusBack ? "yes" : "no")"]
        lines += ["RasterScaling=\(rasterScaling ? "yes" : "no")", "QRModuleSize=\(qrModuleSize)"]
        if !userDefinedCells.isEmpty || userDefinedCodes != 32...126 {
            lines += ["", "[UserDefinedCharacters]"]
            if let cell = userDefinedCells[.a] { lines.append("CellFontA=\(cell)") }
            if let cell = userDefinedCells[.b] { lines.append("CellFontB=\(cell)") }
            lines.append("Codes=\(userDefinedCodes.lowerBound)-\(userDefinedCodes.upperBound)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
