import CCurl
import CKioskShim

/// Stops libcurl from sending a signed request a second time by itself.
///
/// When a request on a reused (kept-alive) connection gets no answer byte before the
/// connection dies, libcurl opens a fresh connection and sends the same request again, with
/// the same headers, without telling the application (`Curl_retry_request` in
/// lib/transfer.c: "Connection died, retrying a fresh connect", up to 5 times). For the
/// central server that resend carries the same nonce and signature: if the first copy was
/// processed before the connection died, central answers `401 replay`.
///
/// libcurl has no option to turn that resend off, but it calls `CURLOPT_PREREQFUNCTION` just
/// before each request it issues, its own resends included. The guard lets the first call
/// through and aborts any later one in the same transfer, so the transfer fails with
/// ``TransportError/Kind/resendRefused`` and ``CentralClient`` signs the request again, with
/// a new nonce, before sending it once more.
///
/// Touched only on the curl thread, during one `curl_easy_perform`.
final class CurlResendGuard {
    /// Requests libcurl started in this transfer.
    private(set) var starts = 0

    /// Whether libcurl tried to send the request a second time (and was stopped).
    var refusedResend: Bool { starts > 1 }

    /// Sets `CURLOPT_PREREQFUNCTION` and `CURLOPT_PREREQDATA` on `handle` for one transfer;
    /// the guard must outlive `curl_easy_perform`.
    func install(on handle: UnsafeMutableRawPointer) -> CURLcode {
        // curl reads the variadic argument as a function pointer, which has the size and
        // passing convention of a data pointer on every platform curl supports.
        let function:
            @convention(c) (
                UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32
            ) -> Int32 = curlPrerequest
        let code = kiosk_curl_setopt_pointer(
            handle, CURLOPT_PREREQFUNCTION, unsafeBitCast(function, to: UnsafeMutableRawPointer.self))
        guard code == CURLE_OK else { return code }
        return kiosk_curl_setopt_pointer(handle, CURLOPT_PREREQDATA, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The error a transfer ends with when its resend was refused.
    static func error(curlCode: Int) -> TransportError {
        TransportError(
            kind: .resendRefused,
            detail: "the connection died after the request was sent and before any answer;"
                + " it is signed again and sent with a new nonce", curlCode: curlCode)
    }

    fileprivate func requestStarting() -> Int32 {
        starts += 1
        return starts == 1 ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
    }
}

/// `curl_prereq_callback`: no captures, the guard comes through the user-data pointer.
private func curlPrerequest(
    _ context: UnsafeMutableRawPointer?, _ primaryIP: UnsafeMutablePointer<CChar>?,
    _ localIP: UnsafeMutablePointer<CChar>?, _ primaryPort: Int32, _ localPort: Int32
) -> Int32 {
    guard let context else { return CURL_PREREQFUNC_OK }
    return Unmanaged<CurlResendGuard>.fromOpaque(context).takeUnretainedValue().requestStarting()
}
