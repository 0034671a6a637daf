#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A detached POSIX thread that runs one closure: blocking device, socket and database work
/// stays off the Swift concurrency pool. What Foundation's `Thread { … }.start()` did, without
/// mapping Foundation into the process (docs/memory.md).
public enum DetachedThread {
    /// Starts `body` on a new detached thread named `name` (the kernel keeps 15 bytes of it,
    /// shown by `ps -L` and in `/proc/PID/task/*/comm`), with a stack of `stackSize` bytes
    /// (nil: the default, 8 MiB of address space, touched only as used).
    ///
    /// A thread that cannot be created is a programmer or resource error the service cannot
    /// run without, so it stops the process with the reason. The corresponding C function is
    /// `pthread_create`.
    public static func start(name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        #if canImport(Glibc)
            var thread = pthread_t()
            let result = pthread_create(
                &thread, &attributes,
                { raw in
                    DetachedThread.run(raw!)
                    return nil
                }, box)
        #else
            var thread: pthread_t?
            let result = pthread_create(
                &thread, &attributes,
                { raw in
                    DetachedThread.run(raw)
                    return nil
                }, box)
        #endif
        guard result == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            fatalError("cannot start thread \(name): \(SystemError(result, call: "pthread_create"))")
        }
        #if canImport(Glibc)
            pthread_detach(thread)
        #else
            if let thread { pthread_detach(thread) }
        #endif
    }

    private static func run(_ raw: UnsafeMutableRawPointer) {
        let box = Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue()
        let name = String(decoding: box.name.utf8.prefix(15), as: UTF8.self)
        #if canImport(Glibc)
            // Glibc's module has no `pthread_setname_np` (it needs _GNU_SOURCE); the kernel takes
            // the name written to the thread's own `comm` file, which is what that call does.
            let comm = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            if comm >= 0 {
                _ = name.utf8CString.withUnsafeBufferPointer { write(comm, $0.baseAddress, strlen($0.baseAddress!)) }
                close(comm)
            }
        #else
            _ = pthread_setname_np(name)
        #endif
        box.body()
    }
}

/// What crosses into the new thread: its name and its closure.
private final class ThreadBody: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}
