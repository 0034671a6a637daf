import CKioskShim

#if canImport(Glibc)
    import Glibc
#endif

/// The service's own OS threads (device I/O, the store, curl, the control socket), each
/// named as `ps -L`, `top -H`, `/proc/PID/task/*/comm` and debuggers show it.
///
/// A new Linux thread carries its creator's name — for a thread started from async code, a
/// Dispatch worker's `oot.default-qos` — until it names itself. Foundation's `Thread.name`
/// does not do that reliably on Linux: set before `start()` it is dropped, and set from
/// inside the thread it is dropped whenever the thread runs before its creator has stored
/// the thread's handle (366 of 2,000 threads kept their creator's name in a test of that
/// pattern; docs/architecture.md, "Threads of kioskd"). Here the thread names itself with `pthread_setname_np` before
/// anything else runs on it.
public enum NamedThread {
    /// The longest name Linux keeps: 16 bytes with the terminating NUL.
    public static let maximumNameBytes = 15

    /// Starts a detached thread that names itself `name` and then runs `body`.
    ///
    /// `name` must be 1 to 15 bytes (a longer one is a programmer mistake: Linux refuses it).
    /// `stackSize` in bytes, the system's default when nil.
    ///
    /// The corresponding C functions are `pthread_create` and `pthread_setname_np`.
    public static func start(_ name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        precondition(
            !name.isEmpty && name.utf8.count <= maximumNameBytes,
            "thread name \"\(name)\" must be 1 to \(maximumNameBytes) bytes")
        let start = Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        var thread = pthread_t()
        let created = pthread_create(
            &thread, &attributes,
            { context in
                let start = Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue()
                NamedThread.nameCurrentThread(start.name)
                start.body()
                return nil
            }, start)
        // Out of threads (EAGAIN) leaves the service without a part it cannot run without.
        precondition(created == 0, "pthread_create for \(name) failed: \(String(cString: strerror(created)))")
    }

    /// Runs blocking work (a synchronous socket read, a `waitpid`) on a thread of its own,
    /// named `name`, and suspends the calling task until it is done: the Swift concurrency
    /// pool, a thread per core, is never held by a wait.
    public static func run<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start(name) { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Names the calling thread (at most 15 bytes; a longer name is cut to fit).
    ///
    /// The corresponding C function is `pthread_setname_np`.
    public static func nameCurrentThread(_ name: String) {
        // Whole characters only: a UTF-8 sequence is never cut in half.
        var bytes: [UInt8] = []
        for scalar in name.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            guard bytes.count + encoded.count <= maximumNameBytes else { break }
            bytes += encoded
        }
        bytes.append(0)
        _ = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { kiosk_name_current_thread($0.baseAddress!) }
        }
    }

    /// The calling thread's name as the kernel keeps it (`/proc/thread-self/comm`).
    public static var currentName: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let fd = open("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        let n = read(fd, &buffer, buffer.count - 1)
        guard n > 0 else { return "" }
        let bytes = buffer[0..<n].map { UInt8(bitPattern: $0) }
        return String(decoding: bytes.last == 0x0A ? bytes.dropLast() : bytes[...], as: UTF8.self)
    }

    /// The name of every thread of this process now (`/proc/self/task/*/comm`), for
    /// diagnostics and tests.
    public static var namesInProcess: [String] {
        guard let directory = opendir("/proc/self/task") else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let task = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard task.first?.isNumber == true else { continue }
            let fd = open("/proc/self/task/\(task)/comm", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 64)
            let n = read(fd, &buffer, buffer.count)
            close(fd)
            guard n > 0 else { continue }
            names.append(String(decoding: buffer[0..<n].filter { $0 != 0x0A }, as: UTF8.self))
        }
        return names.sorted()
    }

    /// The calling thread's kernel id, as `/proc/self/task/<tid>` names it.
    ///
    /// The corresponding C function is `gettid`.
    public static var currentID: Int32 { kiosk_gettid() }
}

/// What a new thread runs, handed over through `pthread_create`'s context pointer.
private final class ThreadStart {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
