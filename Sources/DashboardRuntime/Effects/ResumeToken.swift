import Foundation

/// The event stream's resume point (`since`), shared by the task that reads the stream and the loop that reconnects.
final class ResumeToken: @unchecked Sendable {
    private let lock = NSLock()
    private var token: String?

    init(_ token: String?) { self.token = token }

    var value: String? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return token
        }
        set {
            lock.lock()
            token = newValue
            lock.unlock()
        }
    }
}
