import Foundation
import KioskProtocol
import Testing

@Suite struct KioskKeyTests {
    let secret = Array("kiosk-test-key-0123456789abcdef!".utf8)

    private func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func fileWithoutNewlineIsTakenAsIs() throws {
        let path = try write(secret)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try KioskKey(contentsOfFile: path).bytes == secret)
    }

    @Test func oneTrailingNewlineIsStripped() throws {
        let lf = try write(secret + [0x0A])
        let crlf = try write(secret + [0x0D, 0x0A])
        defer {
            try? FileManager.default.removeItem(atPath: lf)
            try? FileManager.default.removeItem(atPath: crlf)
        }
        #expect(try KioskKey(contentsOfFile: lf).bytes == secret)
        #expect(try KioskKey(contentsOfFile: crlf).bytes == secret)
    }

    @Test func onlyOneNewlineIsStripped() throws {
        let path = try write(secret + [0x0A, 0x0A])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try KioskKey(contentsOfFile: path).bytes == secret + [0x0A])
    }

    @Test func shortKeyIsRejectedWithItsLength() throws {
        let path = try write(Array("short-key\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: KeyError.self) { try KioskKey(contentsOfFile: path) }
        do {
            _ = try KioskKey(contentsOfFile: path)
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("9 bytes"))
        }
        #expect(throws: KeyError.self) { try KioskKey(bytes: Array(repeating: 1, count: 31)) }
    }

    @Test func thirtyOneBytesPlusNewlineIsTooShort() throws {
        let path = try write(Array(secret.dropLast()) + [0x0A])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: KeyError.self) { try KioskKey(contentsOfFile: path) }
    }

    @Test func missingFileIsNamed() {
        do {
            _ = try KioskKey(contentsOfFile: "/nonexistent/central.key")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent/central.key"))
            #expect(error.description.contains("No such file"))
        }
    }
}
