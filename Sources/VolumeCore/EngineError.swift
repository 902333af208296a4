#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An error from talking to the engine or from an operation on volumes, with a message that says how to fix it.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for scripts and tests.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, Sendable {
            case unreachable, permissionDenied, notFound, inUse, invalidName, invalidArgument
            case unsupportedAPIVersion, malformedResponse, readOnly, conflict, timeout, engineFailure
        }
        fileprivate let value: Value

        /// The engine could not be reached at the address that was found.
        public static let unreachable = Code(value: .unreachable)
        /// The socket exists but this user may not open it.
        public static let permissionDenied = Code(value: .permissionDenied)
        /// No such volume or container.
        public static let notFound = Code(value: .notFound)
        /// The volume is referenced by at least one container.
        public static let inUse = Code(value: .inUse)
        /// The volume name breaks the engine's naming rule.
        public static let invalidName = Code(value: .invalidName)
        /// A filter, label or option given by the user is malformed.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// The engine's API version is outside what voltop supports.
        public static let unsupportedAPIVersion = Code(value: .unsupportedAPIVersion)
        /// The engine answered with something voltop cannot read.
        public static let malformedResponse = Code(value: .malformedResponse)
        /// A write was refused because voltop runs read-only.
        public static let readOnly = Code(value: .readOnly)
        /// The engine refused the request because of a conflicting state.
        public static let conflict = Code(value: .conflict)
        /// The engine did not answer in time.
        public static let timeout = Code(value: .timeout)
        /// Any other failure reported by the engine.
        public static let engineFailure = Code(value: .engineFailure)

        /// The code's name as used in JSON output.
        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// What went wrong and how to fix it, for people.
    public var message: String
    /// The engine's own message or the underlying system error, when there is one.
    public var cause: String?

    /// An error with a code, a message and an optional cause.
    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause, !Self.repeats(cause, message) else { return message }
        return "\(message) (\(cause))"
    }

    /// Whether the cause only says again what the message says: empty, contained in it, or the engine's
    /// "get NAME: no such volume" whose last part the message already carries (case aside).
    static func repeats(_ cause: String, _ message: String) -> Bool {
        let cause = cause.trimmingBlanksAndLineBreaks()
        if cause.isEmpty { return true }
        let said = message.lowercased()
        if said.contains(cause.lowercased()) { return true }
        guard let last = cause.split(separator: ":").last?.trimmingBlanks(), last.count >= 6 else {
            return false
        }
        return said.contains(last.lowercased())
    }
}
