import COpenSSL

/// OpenSSL's client context for the central server: whom to trust, which client certificate
/// to show, TLS 1.2 at least. Made once per transport (files are read when it is made).
///
/// Trust is exactly what the configuration names: with `CAFile=` or `CAPath=` set, only those
/// (OpenSSL's default paths, the system store, are not loaded); with neither, the system store.
/// Touched only by the transport's thread.
final class TLSClientContext {
    let context: OpaquePointer

    init(_ configuration: CentralHTTPTransport.Configuration) throws(TransportError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TransportError(kind: .tls, detail: "SSL_CTX_new failed: \(openSSLErrors())")
        }
        self.context = context
        _ = kiosk_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        SSL_CTX_set_options(context, kiosk_SSL_OP_IGNORE_UNEXPECTED_EOF())
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if configuration.caFile != nil || configuration.caPath != nil {
            guard SSL_CTX_load_verify_locations(context, configuration.caFile, configuration.caPath) == 1 else {
                let named = [configuration.caFile.map { "CAFile=\($0)" }, configuration.caPath.map { "CAPath=\($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")
                throw TransportError(
                    kind: .tls, detail: "cannot load the CA certificates of \(named): \(openSSLErrors())")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw TransportError(kind: .tls, detail: "cannot load the system's CA certificates: \(openSSLErrors())")
            }
        }
        if let certificate = configuration.certificate {
            // A key in the certificate's own file when `PrivateKey=` is not given (as curl did).
            let key = configuration.privateKey ?? certificate
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                throw TransportError(
                    kind: .tls, detail: "cannot use client certificate Certificate=\(certificate): \(openSSLErrors())")
            }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1,
                SSL_CTX_check_private_key(context) == 1
            else {
                throw TransportError(
                    kind: .tls, detail: "cannot use client key PrivateKey=\(key): \(openSSLErrors())")
            }
        }
    }

    deinit {
        SSL_CTX_free(context)
    }
}

/// OpenSSL's error queue of this thread as text (and emptied), or "no OpenSSL error".
func openSSLErrors() -> String {
    var texts: [String] = []
    var buffer = [CChar](repeating: 0, count: 256)
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        ERR_error_string_n(code, &buffer, buffer.count)
        texts.append(buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
    return texts.isEmpty ? "no OpenSSL error" : texts.joined(separator: "; ")
}
