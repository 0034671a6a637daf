import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One address a host name resolved to, copied out of `getaddrinfo`'s list (so the list is
/// freed by whoever made it, even when nobody waits for it any more).
struct ResolvedAddress: Sendable, Equatable {
    /// `AF_INET` or `AF_INET6`.
    var family: Int32
    /// For `socket`.
    var protocolNumber: Int32
    /// The `sockaddr` bytes, port included.
    var socketAddress: [UInt8]
}

/// How the transport turns a host name into addresses, bounded by the connect timeout.
///
/// `getaddrinfo` has no limit of its own: with a broken name server it blocks for the
/// resolver's whole retry time (`timeout × attempts × servers` of `/etc/resolv.conf`). So an
/// IP literal is converted at once (`AI_NUMERICHOST`, no thread), and a name is looked up on
/// a short-lived thread (`kiosk-resolve`) while the transport's thread waits for it, for the
/// deadline and the request's cancel. A lookup that overruns is abandoned: its thread ends
/// when the resolver gives up and drops its own result. While it runs, later requests for
/// the same host wait for it rather than start another thread.
///
/// `resolve` is the blocking lookup (the system's `getaddrinfo` unless a test injects one).
///
/// Touched only by the transport's thread (the pending lookup is shared with its thread).
final class HostLookup {
    /// Resolves a name (never an IP literal), blocking: the addresses, or why not.
    typealias Resolve = @Sendable (_ host: String, _ port: Int) -> Result<[ResolvedAddress], Failure>

    /// Why a lookup found no address (the resolver's text).
    struct Failure: Error, Equatable {
        /// E.g. "Name or service not known".
        var reason: String
    }

    private let resolve: Resolve
    private var inFlight: (host: String, port: Int, lookup: PendingLookup)?

    /// A lookup through `resolve`; the system's `getaddrinfo` by default.
    init(resolve: @escaping Resolve = { host, port in systemAddresses(of: host, port: port, flags: 0) }) {
        self.resolve = resolve
    }

    /// The addresses of `host`, or a `.dns` error that names the host; waits at most until
    /// `deadline` (`seconds` is that limit as configured, for the error's text).
    func addresses(
        of host: String, port: Int, deadline: MonotonicDeadline, seconds: Double, cancel: RequestCancel
    ) throws(TransportError) -> [ResolvedAddress] {
        switch systemAddresses(of: host, port: port, flags: AI_NUMERICHOST) {
        case .success(let addresses): return addresses
        case .failure: break
        }
        let lookup: PendingLookup
        if let inFlight, inFlight.host == host, inFlight.port == port, !inFlight.lookup.isFinished {
            lookup = inFlight.lookup
        } else {
            do {
                lookup = try PendingLookup()
            } catch {
                throw TransportError(kind: .other, detail: "cannot look up host \(host): \(error.description)")
            }
            inFlight = (host, port, lookup)
            let resolve = self.resolve
            NamedThread.start("kiosk-resolve") { lookup.finish(resolve(host, port)) }
        }
        while true {
            if cancel.isCancelled { throw RequestCancel.error }
            if let result = lookup.result {
                switch result {
                case .success(let addresses) where !addresses.isEmpty: return addresses
                case .success: throw TransportError(kind: .dns, detail: "could not resolve host \(host): no address")
                case .failure(let failure):
                    throw TransportError(kind: .dns, detail: "could not resolve host \(host): \(failure.reason)")
                }
            }
            let outcome: PollOutcome
            do {
                outcome = try waitForDescriptors([lookup.done.readEnd], stop: cancel.wake.readEnd, until: deadline)
            } catch {
                throw TransportError(kind: .other, detail: error.description)
            }
            switch outcome {
            case .ready: continue
            case .timedOut:
                throw TransportError(
                    kind: .dns,
                    detail:
                        "could not resolve host \(host): the resolver did not answer within \(Self.text(seconds)) s"
                        + " (check the name servers in /etc/resolv.conf, or give [Central] URL= by IP address)")
            case .stopped:
                if cancel.isCancelled { throw RequestCancel.error }
                cancel.wake.drain()
            }
        }
    }

    private static func text(_ seconds: Double) -> String {
        seconds.rounded() == seconds && abs(seconds) < 1e9 ? String(Int(seconds)) : secondsText(seconds)
    }
}

/// A lookup running on its own thread: its result once it ends, and a pipe that becomes
/// readable then. Kept alive by that thread and by whoever still waits for it.
private final class PendingLookup: Sendable {
    let done: WakePipe
    private let outcome = Mutex<Result<[ResolvedAddress], HostLookup.Failure>?>(nil)

    init() throws(SystemError) { done = try WakePipe() }

    func finish(_ result: Result<[ResolvedAddress], HostLookup.Failure>) {
        outcome.withLock { $0 = result }
        done.signal()
    }

    var result: Result<[ResolvedAddress], HostLookup.Failure>? { outcome.withLock { $0 } }
    var isFinished: Bool { result != nil }
}

/// `getaddrinfo` for a TCP connection to `host`:`port`, its list copied and freed.
func systemAddresses(of host: String, port: Int, flags: Int32) -> Result<[ResolvedAddress], HostLookup.Failure> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = flags
    var list: UnsafeMutablePointer<addrinfo>?
    let code = getaddrinfo(host, String(port), &hints, &list)
    guard code == 0 else {
        let reason = code == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(code))
        return .failure(HostLookup.Failure(reason: reason))
    }
    defer { freeaddrinfo(list) }
    var addresses: [ResolvedAddress] = []
    var entry = list
    while let info = entry {
        entry = info.pointee.ai_next
        guard let address = info.pointee.ai_addr else { continue }
        let bytes = UnsafeRawBufferPointer(start: address, count: Int(info.pointee.ai_addrlen))
        addresses.append(
            ResolvedAddress(
                family: info.pointee.ai_family, protocolNumber: info.pointee.ai_protocol,
                socketAddress: Array(bytes)))
    }
    return .success(addresses)
}
