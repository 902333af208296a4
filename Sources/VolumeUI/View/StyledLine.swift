/// A line of text in pieces, each with a role; detail panes and dialogs are built from these.
struct StyledLine: Sendable, Equatable {
    /// One piece of text and how it looks.
    struct Span: Sendable, Equatable {
        var text: String
        var role: Theme.Role
    }

    var spans: [Span]

    init(_ spans: [Span] = []) {
        self.spans = spans
    }

    /// A line of one piece.
    init(_ text: String, _ role: Theme.Role = .normal) {
        spans = [Span(text: text, role: role)]
    }

    /// The line with a piece added.
    func adding(_ text: String, _ role: Theme.Role = .normal) -> StyledLine {
        var copy = self
        copy.spans.append(Span(text: text, role: role))
        return copy
    }

    /// The line with another's pieces added.
    func adding(_ other: StyledLine) -> StyledLine {
        var copy = self
        copy.spans += other.spans
        return copy
    }

    /// The plain text.
    var text: String { spans.map(\.text).joined() }

    static let blank = StyledLine()
}
