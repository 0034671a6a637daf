import Foundation
import KioskCentral
import KioskDomain
import KioskProtocol
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

// kiosk-central: the reference receiver of docs/central-protocol.md, for testing kiosks
// and for central-server teams who want to see the protocol working.

let usage = """
    kiosk-central — reference receiver of the kiosk ⇄ central protocol (version 1)

    USAGE
      kiosk-central [serve] --db PATH --kiosk ID=KEYFILE [--kiosk ID=KEYFILE …] [--listen HOST:PORT] [--max-skew SECONDS]
                          [--admin-listen 127.0.0.1:PORT --admin-token-file FILE] [--max-per-address N]
      kiosk-central set-status --db PATH --kiosk ID CODE STATUS [--note TEXT] [--due-date YYYY-MM-DD [--due-time HH:MM]]
                               [--document "NAME|original|copy|COUNT" …]
      kiosk-central events --db PATH [--kiosk ID] [--json]
      kiosk-central fault --server ADMIN-URL --token-file FILE (--status CODE [--retry-after S] [--body TEXT] | --stall SECONDS
                          | --reset | --reset-after-processing | --garbage | --not-http | --clear) [--count N]
      kiosk-central --help

    serve       Listens (default 127.0.0.1:8080) for POST /v1/events, GET /v1/kiosks/ID/updates and
                GET /v1/health; stores events in the SQLite file --db (mode 0640). One log line per
                request on stderr. Stops on Ctrl-C or SIGTERM. A key file holds the kiosk's secret: at
                least 32 bytes, one trailing newline ignored, readable by its owner only (chmod 600;
                640 when its group is the server's own). One address may hold --max-per-address
                connections (default 16). --admin-listen opens the admin listener (loopback only)
                for `fault`; its requests must carry the token of --admin-token-file.
    set-status  Adds a dossier status update for a kiosk to pick up (the running server sees it at once).
                STATUS: received, processing, needs-more, result-ready, returned, rejected.
                --due-date (and --due-time) set a new appointment: the kiosk then prints the apology
                and new-appointment slip. --document (repeatable, with needs-more) lists a paper the
                citizen must still bring: "Bản sao Giấy khai sinh|copy|1".
    events      Lists stored events (no personal data; --json prints them whole, data included).
    fault       Makes the next N requests (default 1; health checks excepted) of a running server fail:
                an HTTP status, a stall (no answer, then close), a TCP reset (before processing, or
                after it so the answer is lost), a 200 with a body that is not JSON, or bytes that
                are not HTTP (count 1-10000). Talks to POST /admin/fault on the admin listener,
                with the token of --token-file.

    EXAMPLES
      head -c 32 /dev/urandom | base64 > yb01.key
      chmod 600 yb01.key; head -c 24 /dev/urandom | base64 > admin.token; chmod 600 admin.token
      kiosk-central --db /tmp/central.db --kiosk YB-VANYEN-01=yb01.key --listen 127.0.0.1:8080 \\
                    --admin-listen 127.0.0.1:8081 --admin-token-file admin.token
      kiosk-central set-status --db /tmp/central.db --kiosk YB-VANYEN-01 YBVY01-261121-0007-K processing --note "Sở Tư pháp đang xử lý"
      kiosk-central set-status --db /tmp/central.db --kiosk YB-VANYEN-01 YBVY01-261121-0007-K processing --due-date 2026-12-15 --due-time 14:00 --note "Chờ xác minh"
      kiosk-central set-status --db /tmp/central.db --kiosk YB-VANYEN-01 YBVY01-261121-0007-K needs-more --document "Bản sao Giấy khai sinh|copy|1"
      kiosk-central events --db /tmp/central.db --kiosk YB-VANYEN-01
      kiosk-central fault --server http://127.0.0.1:8081 --token-file admin.token --status 503 --count 3 --retry-after 5
      kiosk-central fault --server http://127.0.0.1:8081 --token-file admin.token --stall 40
      kiosk-central fault --server http://127.0.0.1:8081 --token-file admin.token --clear
      curl http://127.0.0.1:8080/v1/health

    EXIT STATUS
      0 success, 1 failure (cannot bind, database, server unreachable), 2 usage error,
      78 a key file is missing, too short, or readable by other users (chmod 600 KEYFILE)
    """

/// A usage mistake: print it with a hint and exit 2.
struct UsageError: Error { var message: String }

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("kiosk-central: \(message)\n".utf8))
    if code == 2 { FileHandle.standardError.write(Data("Try 'kiosk-central --help'.\n".utf8)) }
    exit(code)
}

/// Options of one command: `--name value` pairs, flags, and positional words.
struct Options {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positional: [String] = []

    init(_ arguments: ArraySlice<String>, valued: Set<String>, flags allowedFlags: Set<String>) throws {
        var rest = arguments
        while let word = rest.popFirst() {
            if word.hasPrefix("--") {
                var name = String(word.dropFirst(2))
                var value: String? = nil
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if valued.contains(name) {
                    guard let given = value ?? rest.popFirst() else {
                        throw UsageError(message: "--\(name) needs a value")
                    }
                    values[name, default: []].append(given)
                } else if allowedFlags.contains(name), value == nil {
                    flags.insert(name)
                } else {
                    throw UsageError(message: "unknown option --\(name)")
                }
            } else {
                positional.append(word)
            }
        }
    }

    func one(_ name: String) throws -> String? {
        guard let all = values[name] else { return nil }
        guard all.count == 1 else { throw UsageError(message: "--\(name) given more than once") }
        return all[0]
    }

    func required(_ name: String) throws -> String {
        guard let value = try one(name) else { throw UsageError(message: "--\(name) is required") }
        return value
    }
}

/// `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces).
func parseListen(_ text: String) throws -> (String, Int) {
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
        let host = String(text[text.index(after: text.startIndex)..<close])
        guard text[text.index(after: close)...].hasPrefix(":"), let port = Int(text[text.index(close, offsetBy: 2)...])
        else {
            throw UsageError(message: "--listen \(text): expected [ADDRESS]:PORT")
        }
        return (host, port)
    }
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
        (0...65535).contains(port)
    else {
        throw UsageError(message: "--listen \(text): expected HOST:PORT, e.g. 127.0.0.1:8080")
    }
    let host = String(text[..<colon])
    return (host.isEmpty ? "0.0.0.0" : host, port)
}

func serve(_ arguments: ArraySlice<String>) throws {
    let options = try Options(
        arguments,
        valued: ["listen", "db", "kiosk", "max-skew", "admin-listen", "admin-token-file", "max-per-address"],
        flags: [])
    guard options.positional.isEmpty else { throw UsageError(message: "unexpected argument \(options.positional[0])") }
    let (host, port) = try parseListen(try options.one("listen") ?? "127.0.0.1:8080")
    var kiosks: [String: KioskKey] = [:]
    for entry in options.values["kiosk"] ?? [] {
        guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
            throw UsageError(message: "--kiosk \(entry): expected ID=KEYFILE")
        }
        let id = String(entry[..<equals])
        kiosks[id] = try KioskKey(contentsOfFile: String(entry[entry.index(after: equals)...]))
    }
    guard !kiosks.isEmpty else { throw UsageError(message: "at least one --kiosk ID=KEYFILE is required") }
    var configuration = CentralServer.Configuration(
        databasePath: try options.required("db"), kiosks: kiosks, host: host, port: port)
    if let skew = try options.one("max-skew") {
        guard let seconds = Int64(skew), seconds >= 0 else {
            throw UsageError(message: "--max-skew \(skew): expected seconds")
        }
        configuration.maxClockSkew = seconds
    }
    if let perAddress = try options.one("max-per-address") {
        guard let n = Int(perAddress), n >= 1 else {
            throw UsageError(message: "--max-per-address \(perAddress): expected a number ≥ 1")
        }
        configuration.maxConnectionsPerAddress = n
    }
    if let admin = try options.one("admin-listen") {
        let (adminHost, adminPort) = try parseListen(admin)
        configuration.adminHost = adminHost
        configuration.adminPort = adminPort
        configuration.adminToken = try readToken(try options.required("admin-token-file"))
    } else if try options.one("admin-token-file") != nil {
        throw UsageError(message: "--admin-token-file needs --admin-listen 127.0.0.1:PORT")
    }
    configuration.log = { line in
        let stamp = Timestamp(unixSeconds: wallClockSeconds(), offsetSeconds: 0).description
        FileHandle.standardError.write(Data("\(stamp) \(line)\n".utf8))
    }

    // Block the stop signals before any thread starts, so all threads inherit the mask and
    // the main thread alone takes them with sigwait.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    signal(SIGPIPE, SIG_IGN)

    let server = try CentralServer(configuration: configuration)
    try server.start()
    FileHandle.standardError.write(
        Data(
            "kiosk-central: listening on \(host):\(server.port), database \(configuration.databasePath), kiosks \(kiosks.keys.sorted().joined(separator: ", "))\n"
                .utf8))
    var received: Int32 = 0
    sigwait(&signals, &received)
    FileHandle.standardError.write(Data("kiosk-central: stopping (signal \(received))\n".utf8))
    server.stop()
    let statistics = server.statistics
    FileHandle.standardError.write(
        Data(
            "kiosk-central: events accepted \(statistics.eventsAccepted), duplicate \(statistics.eventsDuplicate), rejected \(statistics.eventsRejected)\n"
                .utf8))
}

/// The admin token from a file: held to the key-file rule (others may not read it), one
/// trailing newline ignored.
func readToken(_ path: String) throws -> String {
    let key = try KioskKey(contentsOfFile: path, minimumLength: 16)
    return String(decoding: key.bytes, as: UTF8.self)
}

func setStatus(_ arguments: ArraySlice<String>) throws {
    let options = try Options(
        arguments, valued: ["db", "kiosk", "note", "due-date", "due-time", "document"], flags: [])
    guard options.positional.count == 2 else { throw UsageError(message: "set-status needs CODE and STATUS") }
    let server = try CentralServer(configuration: .init(databasePath: try options.required("db"), kiosks: [:]))
    let status = options.positional[1]
    guard WireStatusUpdate.knownStatuses.contains(status) else {
        throw UsageError(
            message:
                "unknown status \(status); use one of \(WireStatusUpdate.knownStatuses.sorted().joined(separator: ", "))"
        )
    }
    var documents: [WireDocument] = []
    for text in options.values["document"] ?? [] {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard (1...3).contains(parts.count), !parts[0].isEmpty,
            parts.count < 2 || ["original", "copy"].contains(parts[1]),
            parts.count < 3 || (Int(parts[2]) ?? 0) >= 1
        else {
            throw UsageError(
                message:
                    "--document \"\(text)\": write NAME|original or copy|COUNT, e.g. \"Bản sao Giấy khai sinh|copy|1\"")
        }
        documents.append(
            WireDocument(
                name: parts[0], kind: parts.count > 1 ? parts[1] : "original",
                count: parts.count > 2 ? Int(parts[2])! : 1))
    }
    try server.setStatus(
        kiosk: try options.required("kiosk"), code: options.positional[0], status: status,
        note: try options.one("note"), dueDate: try options.one("due-date"), dueTime: try options.one("due-time"),
        documents: documents.isEmpty ? nil : documents)
    print("\(options.positional[0]): \(status)")
}

func listEvents(_ arguments: ArraySlice<String>) throws {
    let options = try Options(arguments, valued: ["db", "kiosk"], flags: ["json"])
    guard options.positional.isEmpty else { throw UsageError(message: "unexpected argument \(options.positional[0])") }
    let server = try CentralServer(configuration: .init(databasePath: try options.required("db"), kiosks: [:]))
    let events = try server.storedEvents(kiosk: try options.one("kiosk"))
    if options.flags.contains("json") {
        // One event per line inside the array, so the listing reads and greps line by line.
        var out = [UInt8]("[".utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(contentsOf: ",\n".utf8) }
            var writer = JSONWriter(reservingCapacity: event.data.count + 256)
            writer.object { writer in
                writer.member("kiosk", event.kiosk)
                writer.member("id", event.id)
                writer.member("seq", event.seq)
                writer.member("type", event.type)
                writer.member("occurredAt", event.occurredAt)
                writer.member("receivedAt", event.receivedAt)
                writer.key("data")
                writer.rawValue(event.data)
            }
            out.append(contentsOf: writer.bytes)
        }
        out.append(contentsOf: "]\n".utf8)
        FileHandle.standardOutput.write(Data(out))
        return
    }
    print("KIOSK\tSEQ\tID\tTYPE\tOCCURRED AT\tRECEIVED AT\tDATA BYTES")
    for event in events {
        let received = Timestamp(unixSeconds: event.receivedAt, offsetSeconds: 0).description
        print(
            "\(event.kiosk)\t\(event.seq)\t\(event.id)\t\(event.type)\t\(event.occurredAt)\t\(received)\t\(event.data.count)"
        )
    }
    print("\(events.count) event(s)")
}

func fault(_ arguments: ArraySlice<String>) throws {
    let options = try Options(
        arguments, valued: ["server", "status", "retry-after", "body", "stall", "count", "token-file"],
        flags: ["reset", "reset-after-processing", "garbage", "not-http", "clear"])
    guard options.positional.isEmpty else { throw UsageError(message: "unexpected argument \(options.positional[0])") }
    let server = try options.required("server")
    let count =
        try options.one("count").map { text -> Int in
            guard let n = Int(text), (1...FaultOrder.maximumCount).contains(n) else {
                throw UsageError(message: "--count \(text): expected a number from 1 to \(FaultOrder.maximumCount)")
            }
            return n
        } ?? 1
    var chosen: [CentralServer.Fault] = []
    if let status = try options.one("status") {
        guard let code = Int(status), (100...599).contains(code) else {
            throw UsageError(message: "--status \(status): expected an HTTP code")
        }
        chosen.append(.status(code, retryAfter: try options.one("retry-after"), body: try options.one("body")))
    }
    if let stall = try options.one("stall") {
        guard let seconds = Double(stall), seconds > 0 else {
            throw UsageError(message: "--stall \(stall): expected seconds")
        }
        chosen.append(.stall(seconds: seconds))
    }
    if options.flags.contains("reset") { chosen.append(.reset) }
    if options.flags.contains("reset-after-processing") { chosen.append(.resetAfterProcessing) }
    if options.flags.contains("garbage") { chosen.append(.garbage) }
    if options.flags.contains("not-http") { chosen.append(.notHTTP) }
    let order: FaultOrder
    if options.flags.contains("clear") {
        guard chosen.isEmpty else { throw UsageError(message: "--clear cannot be combined with a fault") }
        order = .clear
    } else {
        guard chosen.count == 1 else {
            throw UsageError(
                message:
                    "choose exactly one of --status, --stall, --reset, --reset-after-processing, --garbage, --not-http, --clear"
            )
        }
        order = FaultOrder(fault: chosen[0], count: count)
    }
    print(try AdminClient.send(order, server: server, token: try readToken(try options.required("token-file"))))
}

// The receiver's database holds personal data: nothing it creates is for others (the
// database itself is 0640 whatever the umask, see ReceiverDatabase).
umask(0o027)
let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "--help", "-h", "help":
        print(usage)
    case "serve":
        try serve(arguments.dropFirst())
    case "set-status":
        try setStatus(arguments.dropFirst())
    case "events":
        try listEvents(arguments.dropFirst())
    case "fault":
        try fault(arguments.dropFirst())
    case let word? where !word.hasPrefix("-"):
        throw UsageError(message: "unknown command \(word)")
    default:
        try serve(arguments)
    }
} catch let error as UsageError {
    fail(error.message, code: 2)
} catch let error as KeyError {
    // A key file that is missing, short, or readable by others: a configuration error.
    fail("\(error)", code: 78)
} catch {
    fail("\(error)", code: 1)
}
