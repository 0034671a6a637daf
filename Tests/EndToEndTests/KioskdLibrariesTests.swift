import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Which shared libraries a running kioskd has mapped: Foundation and ICU cost ~6.6 MiB of its
/// idle RSS (docs/memory.md), so no module kioskd links imports Foundation — FoundationEssentials
/// is enough. One `import Foundation` in any of them maps all three libraries again. Nor does it
/// map libcurl: Debian's libcurl4 brings GnuTLS, Kerberos, LDAP, SSH and more (~3 MiB); the
/// central server is reached over OpenSSL's libssl (`CentralHTTPTransport`).
@Suite struct KioskdLibrariesTests {
    @Test func aRunningKioskdMapsNeitherFoundationNorICUNorCurl() async throws {
        let kiosk = try KioskdProcess()
        try kiosk.start()
        defer { Task { await kiosk.stop() } }
        #expect(await kiosk.waitForLog("kioskd started"), "kioskd: \(kiosk.log.suffix(8))")
        let maps = readWhole("/proc/\(kiosk.process.processIdentifier)/maps")
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
        #expect(libraries.contains { $0.hasPrefix("libssl.so") }, "\(libraries.sorted())")
        for prefix in ["libcurl", "libgnutls", "librtmp", "libldap", "libssh"] {
            #expect(
                !libraries.contains { $0.hasPrefix(prefix) },
                "kioskd maps \(prefix)…: something links libcurl again (\(libraries.sorted()))")
        }
        await kiosk.stop()
    }
}

/// The whole of a /proc file (its size reads as 0, so it is read until end of file).
private func readWhole(_ path: String) -> String {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &chunk, chunk.count)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        bytes += chunk[..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
