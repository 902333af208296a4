/// A line under the header: a lost event stream, the last engine error, or a notice.
struct Banner: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case warning, error, info, success, disabled
    }
    var kind: Kind
    var text: String
    /// The key that dismisses it, when one does.
    var hint: String?
}
