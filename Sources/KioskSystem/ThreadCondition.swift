#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutex with one condition variable, for a thread that waits for work another thread
/// hands it (the store's and curl's worker threads). What Foundation's `NSCondition` did,
/// without mapping Foundation into the process.
///
/// `@unchecked Sendable`: the pthread objects live in allocations of their own that never
/// move, and they are only used through the pthread calls, which are thread-safe.
public final class ThreadCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// A new, unlocked mutex and its condition.
    ///
    /// The corresponding C functions are `pthread_mutex_init` and `pthread_cond_init`.
    public init() {
        mutex.initialize(to: pthread_mutex_t())
        condition.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the mutex. The corresponding C function is `pthread_mutex_lock`.
    public func lock() { pthread_mutex_lock(mutex) }

    /// Releases the mutex. The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Releases the mutex until signalled, then takes it again (may wake spuriously: wait in
    /// a loop on the state). The corresponding C function is `pthread_cond_wait`.
    public func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes one waiting thread. The corresponding C function is `pthread_cond_signal`.
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiting thread. The corresponding C function is `pthread_cond_broadcast`.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
