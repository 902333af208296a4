/// A one-line message under the header.
struct Notice: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case info, success, disabled
    }
    var kind: Kind
    var text: String
}
