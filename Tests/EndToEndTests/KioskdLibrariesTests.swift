import Foundation
import Testing

/// Which shared libraries a running kioskd has mapped: Foundation and ICU cost ~6.6 MiB of its
/// idle RSS (docs/memory.md), so no module kioskd links imports Foundation — FoundationEssentials
/// is enough. One `import Foundation` in any of them maps all three libraries again.
@Suite struct KioskdLibrariesTests {
    @Test func aRunningKioskdMapsNeitherFoundationNorICU() async throws {
        let kiosk = try KioskdProcess()
        try kiosk.start()
        defer { Task { await kiosk.stop() } }
        #expect(await kiosk.waitForLog("kioskd started"), "kioskd: \(kiosk.log.suffix(8))")
        let maps = try String(contentsOfFile: "/proc/\(kiosk.process.processIdentifier)/maps", encoding: .utf8)
        let libraries = Set(
            maps.split(separator: "\n").compactMap { line -> String? in
                guard let path = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first,
                    path.contains(".so")
                else { return nil }
                return String(path.split(separator: "/").last ?? path)
            })
        // The control: the process is kioskd, and the list is read (libFoundationEssentials
        // and the Swift runtime are mapped).
        #expect(libraries.contains("libswiftCore.so"), "\(libraries.sorted())")
        #expect(libraries.contains("libFoundationEssentials.so"), "\(libraries.sorted())")
        for library in ["libFoundation.so", "libFoundationInternationalization.so", "lib_FoundationICU.so"] {
            #expect(!libraries.contains(library), "kioskd maps \(library): a module of kioskd imports Foundation")
        }
        await kiosk.stop()
    }
}
