#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with one condition variable: how ingest's threads hand work to each other
/// (`LineReader`, `DossierWrites`). State shared between threads is read and written only
/// between `lock` and `unlock`; `wait` releases the mutex while it sleeps.
final class Monitor: @unchecked Sendable {
    // @unchecked: the pthread objects are what make the sharing safe; they never move (allocated).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Sleeps until another thread calls `broadcast`; the caller holds the lock and holds it again on return.
    func wait() { pthread_cond_wait(condition, mutex) }
    /// Wakes every thread in `wait`.
    func broadcast() { pthread_cond_broadcast(condition) }
}
