import Foundation
import KioskConfig
import KioskControl
import KioskDevices
import KioskDomain
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl report [--out FILE] [--lines N]`: a support bundle a technician can send —
/// versions, the configuration without secrets, the configuration check, the devices, the
/// status and a queue summary, the last lines of kioskd's journal. Never personal data: no
/// dossier is read, event data and dead-letter reasons are left out, the central key is never
/// opened, URL credentials are removed, and long digit runs (an ID number has 12) are masked.
enum ReportCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let out = try arguments.option("--out")
        let lineCount =
            try arguments.option("--lines").map { text in
                guard let n = Int(text), (0...10_000).contains(n) else {
                    throw ArgumentList.UsageError("--lines needs a number from 0 to 10000")
                }
                return n
            } ?? 200
        let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
        let source = try DatabaseLocation.source(&arguments)
        try arguments.expectEnd()
        let config = source.config ?? KioskConfiguration.defaultPath

        var sections: [(String, [String])] = []
        let (health, status, details) = await StatusCommand.assess(
            endpoint: endpoint, source: source, maximumAge: KioskHealth.defaultMaximumBacklogAge)
        sections.append(("versions", versions(service: status["service"])))
        sections.append(
            ("status", ["verdict: \(health.verdict.rawValue)"] + health.problems.map { "problem: \($0)" } + details))
        sections.append(("queue", await queueSummary(endpoint: endpoint, source: source)))
        sections.append(("configuration \(config)", configuration(config)))
        let discovery = DeviceDiscovery()
        let listing = DevicesCommand.Listing(
            inputDevices: discovery.inputDevices(), serialPorts: discovery.serialPorts(),
            usbPrinters: discovery.usbLinePrinters())
        sections.append(("devices", DevicesCommand.lines(listing)))
        sections.append(("kioskd journal (last \(lineCount) lines)", journal(lines: lineCount)))

        var text = "kiosk support report, \(Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970)))\n"
        text += "(no personal data: no dossiers, no event data; digit runs of 9 or more masked)\n"
        for (title, lines) in sections {
            text += "\n== \(title) ==\n" + lines.map(Redaction.scrub).joined(separator: "\n") + "\n"
        }
        if let out {
            try OutputFile.write(Array(text.utf8), to: out, what: "the report", mode: 0o600)
            FileHandleOutput.standardError("kioskctl: report written to \(out)\n")
        } else {
            print(text, terminator: "")
        }
        return ExitCode.ok
    }

    static func versions(service: ControlValue?) -> [String] {
        var lines = ["kioskctl \(kioskSoftwareVersion), database schema \(KioskStore.schemaVersion)"]
        if let version = service?["version"]?.stringValue { lines.append("kioskd \(version) (running)") }
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        lines.append("kernel \(field(name.sysname)) \(field(name.release)) \(field(name.machine))")
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
            let pretty = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
        {
            lines.append("system " + pretty.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: ["\""]))
        }
        return lines
    }

    /// Counts only: how many events wait, of which types, how many are dead letters.
    static func queueSummary(endpoint: ServiceConnection.Endpoint, source: DatabaseLocation.Source) async -> [String] {
        do {
            let listing = try await QueueCommand.read(
                limit: ControlRequest.maximumQueueLimit, endpoint: endpoint, source: source)
            var lines = ["pending \(listing.pending)", "dead letters \(listing.deadCount)"]
            if let oldest = listing.rows.first {
                lines.append("oldest pending \(oldest.occurredAt) (seq \(oldest.seq))")
            }
            var types: [String: Int] = [:]
            for row in listing.rows { types[row.type, default: 0] += 1 }
            for row in listing.dead { types["dead " + row.type, default: 0] += 1 }
            lines += types.keys.sorted().map { "  \($0): \(types[$0]!)" }
            return lines
        } catch {
            return ["not available: \((error as? CommandFailure)?.message ?? "\(error)")"]
        }
    }

    /// The effective configuration (secrets removed) and the check's findings.
    static func configuration(_ path: String) -> [String] {
        let result = ConfigurationCheck.check(path: path, account: ServiceAccount.installed())
        var lines = result.effectiveSettings.map { setting -> String in
            let value = setting.key == "URL" ? Redaction.withoutCredentials(setting.value) : setting.value
            return "[\(setting.section)] \(setting.key)=\(value)  # \(setting.origin)"
        }
        if result.configuration == nil { lines.append("(the configuration does not load; the check says why)") }
        lines += result.diagnostics.map { "error: \($0.description)" }
        lines += result.warnings.map { "warning: \($0.description)" }
        if result.diagnostics.isEmpty { lines.append("config check: no error") }
        return lines
    }

    /// `journalctl -u kioskd -n N`, when journalctl is there.
    static func journal(lines: Int) -> [String] {
        let candidates: [String] = ["/usr/bin/journalctl", "/bin/journalctl"]
        guard let journalctl = candidates.first(where: { access($0, X_OK) == 0 }) else {
            return ["journalctl not found: no journal lines"]
        }
        // ChildProcess, not Foundation's Process: its run() can crash on Linux (ChildProcess).
        let process = ChildProcess(
            journalctl, ["-u", "kioskd.service", "-n", String(lines), "--no-pager", "-o", "short-iso"])
        process.standardInput = .null
        let data: [UInt8]
        do {
            data = try process.runReadingOutput(includingErrors: true).output
        } catch {
            return ["journalctl failed: \(error)"]
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
