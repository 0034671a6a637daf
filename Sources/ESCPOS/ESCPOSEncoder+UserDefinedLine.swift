/// The encoder's fast path for a line no code page carries alone, whose every character is
/// one scalar of the per-page tables (`LineEncodingPlanner.isTabled`): its letters by scalar,
/// their cells from the face's `UserDefinedGlyphCache`, the line planned and sent from the
/// planner's steps — on the encoder itself when user-defined characters are sure to be fewer
/// bytes than raster. The same bytes as `userDefinedTrial` and the raster comparison of the
/// general path (`EncoderFastPathTests`, `UserDefinedGlyphCacheTests`).
extension ESCPOSEncoder {
    /// What the fast path needs to send a tabled line through user-defined characters.
    struct UserDefinedLine {
        /// The letters no page carries, and the space where the line has one, with their codes.
        var userCodes: [LineEncodingPlanner.UserCode]
        /// The letters not defined yet (their codes are new): position in `userCodes`, and
        /// the cell's columns.
        var newLetters: [(index: Int, definition: [UInt8])]
    }

    /// The letters, codes and definitions for sending a line through user-defined characters
    /// in `font` (`needed`: the scalars no page carries, and the space where the line has one);
    /// nil when the profile takes none in
    /// this font, a letter does not fit the cell, or the codes are too few. As
    /// `userDefinedTrial` finds them, but by scalar, the definitions from the face's
    /// `UserDefinedGlyphCache`.
    private func userDefinedLine(_ line: String, needed: [UInt32], font: TextStyle.Font) -> UserDefinedLine? {
        guard let cell = profile.userDefinedCells[font], let face = rasterText.face, !needed.isEmpty else {
            return nil
        }
        let set = userDefinedSets[Int(font.rawValue)]
        // Letters defined already fit the cell (they were downloaded into it): only the others
        // are fitted, or found in the face's cache.
        var undefined: [Int] = []
        var undefinedScalars: [UInt32] = []
        undefined.reserveCapacity(needed.count)
        undefinedScalars.reserveCapacity(needed.count)
        for (k, scalar) in needed.enumerated() where set.code(ofScalar: scalar) == nil {
            undefined.append(k)
            undefinedScalars.append(scalar)
        }
        let rasterText = self.rasterText
        guard
            let fitted = face.fittedCells.definitions(
                of: undefinedScalars, in: cell,
                make: { v in
                    cell.fit(rasterText.glyphBitmap(for: Character(Unicode.Scalar(v)!))).map(cell.definition(of:))
                }),
            let codes = set.assignment(forScalars: needed)
        else { return nil }
        var prepared = UserDefinedLine(userCodes: [], newLetters: [])
        prepared.userCodes.reserveCapacity(needed.count)
        for (scalar, code) in zip(needed, codes) {
            prepared.userCodes.append(LineEncodingPlanner.UserCode(scalar: scalar, code: code))
        }
        prepared.newLetters.reserveCapacity(undefined.count)
        for (index, definition) in zip(undefined, fitted) { prepared.newLetters.append((index, definition)) }
        return prepared
    }

    /// A set of codes, a bit each.
    struct UsedCodes {
        var bits: (UInt64, UInt64, UInt64, UInt64)

        func contains(_ code: UInt8) -> Bool {
            withUnsafeBytes(of: bits) { $0[Int(code >> 3)] & 1 << (code & 7) != 0 }
        }
    }

    /// The downloads a planned line needs (its new letters that it prints, by code) and the
    /// codes it prints with the set selected.
    private static func downloads(
        _ prepared: UserDefinedLine, steps: UnsafeBufferPointer<LineEncodingPlanner.Step>
    ) -> (downloads: [Download], used: UsedCodes) {
        var bits = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bits) { bits in
            for step in steps where step.userDefined {
                let code = UInt8(truncatingIfNeeded: step.option)
                bits[Int(code >> 3)] |= 1 << (code & 7)
            }
        }
        func isUsed(_ code: UInt8) -> Bool {
            withUnsafeBytes(of: bits) { $0[Int(code >> 3)] & 1 << (code & 7) != 0 }
        }
        var downloads: [Download] = []
        downloads.reserveCapacity(prepared.newLetters.count)
        for (index, definition) in prepared.newLetters where isUsed(prepared.userCodes[index].code) {
            let letter = prepared.userCodes[index]
            downloads.append(
                Download(
                    code: letter.code, letter: nil, scalar: letter.scalar,
                    definition: definition))
        }
        downloads.sort { $0.code < $1.code }
        return (downloads, UsedCodes(bits: bits))
    }

    /// Sends a tabled line through user-defined characters on this encoder itself when that is
    /// sure to be fewer bytes than the raster form: the most the line can take (every
    /// download, every style command, a page switch and a set switch before every run) below
    /// the least the raster form takes (16 bytes a character, 8 for the band's `GS v 0`, 3
    /// for `ESC J`). False, with nothing sent, otherwise: then both forms are tried on copies.
    mutating func sendViaUserDefined(_ line: String, needed: [UInt32], style newStyle: TextStyle) -> Bool {
        guard profile.paperWidthDots >= 32,
            let prepared = userDefinedLine(line, needed: needed, font: newStyle.font)
        else { return false }
        let sent = fixed.planner.withTabledSteps(
            line, startingPage: page, userCodes: prepared.userCodes, userDefinedOn: userDefinedOn
        ) { steps -> Bool in
            let (downloads, used) = Self.downloads(prepared, steps: steps)
            let usedCodes = prepared.userCodes.lazy.map(\.code).filter(used.contains)
            var most = 3 + 15 + 1
            for d in downloads { most += 5 + d.definition.count }
            for (k, step) in steps.enumerated() {
                if k == 0 || steps[k - 1].page != step.page || steps[k - 1].userDefined != step.userDefined {
                    most += 6
                }
                most += Int(step.option >> 16)
            }
            // A step a character.
            guard most < 16 * steps.count + 11 else { return false }
            bytes.reserveCapacity(bytes.count + most)
            textLine(steps: steps, style: newStyle, downloads: downloads)
            userDefinedSets[Int(newStyle.font.rawValue)].markUsed(usedCodes)
            return true
        }
        return sent ?? false
    }

    /// `userDefinedTrial` for a line `LineEncodingPlanner.isTabled` accepts, from
    /// `userDefinedLine`. Gives the same bytes (`EncoderFastPathTests`).
    func tabledUserDefinedTrial(_ line: String, needed: [UInt32], style newStyle: TextStyle)
        -> ESCPOSEncoder?
    {
        guard profile.userDefinedCells[newStyle.font] != nil, rasterText.face != nil else {
            return userDefinedTrial(line, style: newStyle)
        }
        guard let prepared = userDefinedLine(line, needed: needed, font: newStyle.font) else { return nil }
        return fixed.planner.withTabledSteps(
            line, startingPage: page, userCodes: prepared.userCodes, userDefinedOn: userDefinedOn
        ) { steps -> ESCPOSEncoder in
            let (downloads, used) = Self.downloads(prepared, steps: steps)
            let usedCodes = prepared.userCodes.lazy.map(\.code).filter(used.contains)
            var trial = self
            trial.bytes = []
            trial.bytes.reserveCapacity(32 + 2 * steps.count + downloads.reduce(0) { $0 + 5 + $1.definition.count })
            trial.textLine(steps: steps, style: newStyle, downloads: downloads)
            trial.userDefinedSets[Int(newStyle.font.rawValue)].markUsed(usedCodes)
            return trial
        }
    }
}
