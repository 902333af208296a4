/// Why the terminal could not be set up.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case notATerminal, setupFailed
        }
        private let value: Value

        /// Standard input or output is not a terminal (piped or redirected).
        public static let notATerminal = Code(value: .notATerminal)
        /// ncurses could not start (unknown `TERM`, no terminfo entry).
        public static let setupFailed = Code(value: .setupFailed)

        /// The code's name.
        public var description: String {
            switch value {
            case .notATerminal: return "notATerminal"
            case .setupFailed: return "setupFailed"
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and how to fix it, for the user.
    public var message: String

    /// An error from its parts.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
