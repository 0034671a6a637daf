import Foundation
import KioskProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct KioskKeyTests {
    let secret = Array("kiosk-test-key-0123456789abcdef!".utf8)

    private func write(_ bytes: [UInt8], mode: mode_t = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        chmod(path, mode)
        return path
    }

    @Test(arguments: [0o644, 0o604, 0o666, 0o660, 0o620, 0o601] as [mode_t])
    func keyReadableOrWritableByOthersIsRefusedWithTheFix(mode: mode_t) throws {
        let path = try write(secret, mode: mode)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try KioskKey(contentsOfFile: path)
            Issue.record("a key file of mode \(String(mode, radix: 8)) was used")
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("mode 0\(String(mode, radix: 8))"))
            #expect(error.description.contains("chmod 6"))
        }
    }

    @Test func ownerOnlyAndOwnGroupReadAreAccepted() throws {
        let owner = try write(secret, mode: 0o400)
        let group = try write(secret, mode: 0o640)
        defer {
            try? FileManager.default.removeItem(atPath: owner)
            try? FileManager.default.removeItem(atPath: group)
        }
        chown(group, getuid(), getegid())
        #expect(try KioskKey(contentsOfFile: owner).bytes == secret)
        #expect(try KioskKey(contentsOfFile: group).bytes == secret)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give the file another group"))
    func groupReadByAnotherGroupIsRefused() throws {
        let path = try write(secret, mode: 0o640)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(chown(path, 0, getegid() &+ 4242) == 0)
        #expect(throws: KeyError.self) { try KioskKey(contentsOfFile: path) }
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
