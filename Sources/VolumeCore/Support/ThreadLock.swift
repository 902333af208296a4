import CVolumeSys

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutex for code on threads of its own (scanner workers, readers of child processes) and short critical sections
/// anywhere: what `NSLock` was, without linking Foundation (and ICU) into the binary.
public final class ThreadLock: @unchecked Sendable {
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() { mutex = PthreadObject.make(pthread_mutex_t()) { pthread_mutex_init($0, nil) } }

    deinit { PthreadObject.free(mutex) { pthread_mutex_destroy($0) } }

    public func lock() { pthread_mutex_lock(mutex) }

    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A lock with a condition variable, as `NSCondition`: `wait()` is called holding the lock.
public final class ThreadCondition: @unchecked Sendable {
    private let mutex = ThreadLock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() { condition = PthreadObject.make(pthread_cond_t()) { pthread_cond_init($0, nil) } }

    deinit { PthreadObject.free(condition) { pthread_cond_destroy($0) } }

    public func lock() { mutex.lock() }

    public func unlock() { mutex.unlock() }

    /// Waits for a signal; the lock is held before and after.
    public func wait() { pthread_cond_wait(condition, mutex.mutex) }

    public func signal() { pthread_cond_signal(condition) }

    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// A pthread object at a fixed address (pthreads must not move), made and freed with its init and destroy calls.
private enum PthreadObject {
    static func make<T>(_ blank: T, _ initialize: (UnsafeMutablePointer<T>) -> Int32) -> UnsafeMutablePointer<T> {
        let object = UnsafeMutablePointer<T>.allocate(capacity: 1)
        object.initialize(to: blank)
        _ = initialize(object)
        return object
    }

    static func free<T>(_ object: UnsafeMutablePointer<T>, _ destroy: (UnsafeMutablePointer<T>) -> Int32) {
        _ = destroy(object)
        object.deallocate()
    }
}

/// Threads of their own, for blocking work kept off Swift's cooperative pool.
public enum OSThread {
    /// Starts `body` on a new detached thread named `name` (cut to the system's 15 bytes), with `stackSize` bytes of
    /// stack when given (else the system's default). A thread the system refuses is a trap: the caller would wait for
    /// its work forever (Foundation's `Thread.start()` ignored the failure).
    public static func start(name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        final class Box: @unchecked Sendable {
            let name: String
            let body: @Sendable () -> Void
            init(_ name: String, _ body: @escaping @Sendable () -> Void) {
                self.name = name
                self.body = body
            }
        }
        let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { raw in
                guard let raw else { return nil }
                let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
                box.name.withCString { cvs_name_thread($0) }
                box.body()
                return nil
            }, box)
        precondition(result == 0, "cannot start a thread: \(String(cString: strerror(result)))")
    }
}
