import CCurl
import CKioskShim
import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// One request waiting for, or being carried by, the curl thread.
///
/// `@unchecked Sendable`: `continuation` is set once before the job is enqueued (the queue's
/// lock orders that write before the worker's read) and resumed once by the worker;
/// `cancelled` is an atomic.
final class CurlJob: @unchecked Sendable {
    let request: HTTPRequest
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?
    private let cancelled = Atomic<Bool>(false)

    init(request: HTTPRequest) {
        self.request = request
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
}

/// What the callbacks gather for one transfer. Touched only on the curl thread.
final class CurlResponseBuffer {
    let limit: Int
    var body: [UInt8] = []
    var headers = HTTPHeaders()
    var tooLarge = false
    let job: CurlJob

    init(limit: Int, job: CurlJob) {
        self.limit = limit
        self.job = job
    }
}

/// The curl thread: owns the easy handle and carries queued jobs one at a time.
///
/// `@unchecked Sendable`: `queue` and `stopping` are guarded by `condition`; `handle` and
/// `errorBuffer` are touched only by the thread running `serve()`.
final class CurlWorker: @unchecked Sendable {
    private let configuration: CurlTransport.Configuration
    private let condition = ThreadCondition()
    private var queue: [CurlJob] = []
    private var stopping = false
    private var handle: UnsafeMutableRawPointer?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(configuration: CurlTransport.Configuration) {
        self.configuration = configuration
    }

    func enqueue(_ job: CurlJob) {
        condition.lock()
        let accepted = !stopping
        if accepted {
            queue.append(job)
            condition.signal()
        }
        condition.unlock()
        if !accepted {
            job.continuation?.resume(
                returning: .failure(TransportError(kind: .other, detail: "transport stopped")))
        }
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// The thread's body: runs until `stop()`, then fails what is left and frees the handle.
    func serve() {
        handle = curl_easy_init()
        while let job = next() {
            let result = carry(job.request, job: job)
            job.continuation?.resume(returning: result)
        }
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        errorBuffer.deallocate()
    }

    private func next() -> CurlJob? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        return queue.removeFirst()
    }

    // MARK: - One transfer

    private func carry(_ request: HTTPRequest, job: CurlJob) -> Result<HTTPResponse, TransportError> {
        guard let handle else {
            return .failure(TransportError(kind: .other, detail: "curl_easy_init failed"))
        }
        errorBuffer[0] = 0
        var problems: [String] = []
        func check(_ code: CURLcode, _ what: String) {
            if code != CURLE_OK { problems.append("\(what): \(String(cString: curl_easy_strerror(code)))") }
        }
        // Options that stay the same for every request; set again each time because the
        // handle is long-lived and setting them is cheap.
        check(kiosk_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        check(kiosk_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        check(kiosk_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        check(kiosk_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        // curl's default since 7.50.2, set explicitly: a request's last segment must not wait
        // for the previous one's ACK (Nagle + delayed ACK would add up to 40 ms per batch).
        check(kiosk_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1), "CURLOPT_TCP_NODELAY")
        check(
            kiosk_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(configuration.timeout * 1000)), "CURLOPT_TIMEOUT_MS")
        check(
            kiosk_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        check(kiosk_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Trust exactly what the configuration names. Debian's libcurl has a built-in CA
        // directory (/etc/ssl/certs) as well as a built-in bundle: setting CAINFO alone would
        // still trust every CA of that directory, so the one not given is cleared (NULL).
        if configuration.caFile != nil || configuration.caPath != nil {
            check(kiosk_curl_setopt_string(handle, CURLOPT_CAINFO, configuration.caFile), "CURLOPT_CAINFO")
            check(kiosk_curl_setopt_string(handle, CURLOPT_CAPATH, configuration.caPath), "CURLOPT_CAPATH")
        }
        if let certificate = configuration.certificate {
            check(kiosk_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate), "CURLOPT_SSLCERT")
        }
        if let key = configuration.privateKey {
            check(kiosk_curl_setopt_string(handle, CURLOPT_SSLKEY, key), "CURLOPT_SSLKEY")
        }
        check(kiosk_curl_setopt_string(handle, CURLOPT_URL, request.url), "CURLOPT_URL")

        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        // An empty value removes curl's own header: no `Expect: 100-continue` round trip.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }
        check(kiosk_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")

        let buffer = CurlResponseBuffer(limit: configuration.maxResponseBytes, job: job)
        let context = Unmanaged.passUnretained(buffer).toOpaque()
        check(kiosk_curl_setopt_write_function(handle, curlWriteBody), "CURLOPT_WRITEFUNCTION")
        check(kiosk_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        check(kiosk_curl_setopt_header_function(handle, curlWriteHeader), "CURLOPT_HEADERFUNCTION")
        check(kiosk_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        check(kiosk_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "CURLOPT_NOPROGRESS")
        check(kiosk_curl_setopt_xferinfo_function(handle, curlProgress), "CURLOPT_XFERINFOFUNCTION")
        check(kiosk_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "CURLOPT_XFERINFODATA")
        let resendGuard = CurlResendGuard()
        check(resendGuard.install(on: handle), "CURLOPT_PREREQFUNCTION")

        guard problems.isEmpty else {
            return .failure(TransportError(kind: .configuration, detail: problems.joined(separator: "; ")))
        }

        let code: CURLcode = withExtendedLifetime((buffer, resendGuard)) {
            request.body.withUnsafeBytes { raw in
                // Method and body last: setting CURLOPT_POSTFIELDS (even to NULL) makes the
                // handle POST again, so a GET must not touch it. The body outlives
                // curl_easy_perform because the call is inside this closure.
                _ = kiosk_curl_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, nil)
                if request.method == "GET" {
                    _ = kiosk_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
                } else {
                    let base =
                        UnsafeMutableRawPointer(mutating: raw.baseAddress) ?? UnsafeMutableRawPointer(errorBuffer)
                    _ = kiosk_curl_setopt_long(handle, CURLOPT_POST, 1)
                    _ = kiosk_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                    _ = kiosk_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, base)
                    if request.method != "POST" {
                        _ = kiosk_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
                    }
                }
                let code = curl_easy_perform(handle)
                if request.method != "GET" {
                    // Leave no pointer to the body (gone after this closure) in the handle.
                    _ = kiosk_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
                    _ = kiosk_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
                }
                return code
            }
        }

        if code != CURLE_OK {
            if resendGuard.refusedResend { return .failure(CurlResendGuard.error(curlCode: Int(code.rawValue))) }
            return .failure(classify(code, buffer: buffer, job: job))
        }
        var status = 0
        _ = kiosk_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: buffer.headers, body: buffer.body))
    }

    /// The errno of the last failed connect (`CURLINFO_OS_ERRNO`).
    private func osErrno() -> Int32 {
        guard let handle else { return 0 }
        var value = 0
        _ = kiosk_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &value)
        return Int32(truncatingIfNeeded: value)
    }

    private func classify(_ code: CURLcode, buffer: CurlResponseBuffer, job: CurlJob) -> TransportError {
        let text = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        let number = Int(code.rawValue)
        let kind: TransportError.Kind
        switch code {
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_COULDNT_CONNECT: kind = .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .dns
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            kind = .connectionReset
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_USE_SSL_FAILED:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: kind = .configuration
        case CURLE_COULDNT_CONNECT where osErrno() == EPERM:
            // The kernel refused the connection itself: the unit's IPAddressAllow= (loopback
            // only as shipped) does not include the central server's address.
            return TransportError(
                kind: .connectionRefused,
                detail:
                    "\(text) (connection refused by the host's IP filter: add the central server's address to IPAddressAllow= with `systemctl edit kioskd`, docs/install.md)",
                curlCode: number)
        case CURLE_WRITE_ERROR where buffer.tooLarge:
            return TransportError(
                kind: .responseTooLarge, detail: "answer larger than \(buffer.limit) bytes", curlCode: number)
        case CURLE_ABORTED_BY_CALLBACK where job.isCancelled:
            return TransportError(kind: .other, detail: "request cancelled", curlCode: number)
        default: kind = .other
        }
        return TransportError(kind: kind, detail: text, curlCode: number)
    }
}

// MARK: - C callbacks (no captures: the buffer comes through the user-data pointer)

private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let buffer = Unmanaged<CurlResponseBuffer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if buffer.body.count + length > buffer.limit {
        buffer.tooLarge = true
        return 0  // anything but `length` makes curl stop with CURLE_WRITE_ERROR
    }
    if let data, length > 0 {
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            buffer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
    }
    return length
}

private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let buffer = Unmanaged<CurlResponseBuffer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard let data, length > 0 else { return length }
    // Byte-wise (no Foundation trimming): this runs for every header line of every answer.
    data.withMemoryRebound(to: UInt8.self, capacity: length) { start in
        let line = UnsafeBufferPointer(start: start, count: length)
        if line.starts(with: "HTTP/".utf8) {
            // A new status line: a 1xx interim answer's fields must not leak into the final one.
            buffer.headers = HTTPHeaders()
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        func trimmed(_ part: Slice<UnsafeBufferPointer<UInt8>>) -> String {
            var part = part
            while let first = part.first, isSpace(first) { part.removeFirst() }
            while let last = part.last, isSpace(last) { part.removeLast() }
            return String(decoding: part, as: UTF8.self)
        }
        let name = trimmed(line[..<colon])
        if !name.isEmpty { buffer.headers.add(name: name, value: trimmed(line[(colon + 1)...])) }
    }
    return length
}

private func curlProgress(
    _ context: UnsafeMutableRawPointer?, _ downloadTotal: curl_off_t, _ downloaded: curl_off_t,
    _ uploadTotal: curl_off_t, _ uploaded: curl_off_t
) -> Int32 {
    guard let context else { return 0 }
    let buffer = Unmanaged<CurlResponseBuffer>.fromOpaque(context).takeUnretainedValue()
    return buffer.job.isCancelled ? 1 : 0
}

/// Sets `CURLOPT_XFERINFOFUNCTION`. The shim has no typed setter for it; `curl_easy_setopt`
/// reads the variadic argument as a function pointer, which has the size and passing
/// convention of a data pointer on every platform curl supports.
private func kiosk_curl_setopt_xferinfo_function(
    _ handle: UnsafeMutableRawPointer,
    _ function: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32
) -> CURLcode {
    kiosk_curl_setopt_pointer(
        handle, CURLOPT_XFERINFOFUNCTION, unsafeBitCast(function, to: UnsafeMutableRawPointer.self))
}
