import Synchronization

/// A value shared between a test and the code it drives.
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update<T>(_ body: (inout Value) -> T) -> T { storage.withLock { body(&$0) } }
}
