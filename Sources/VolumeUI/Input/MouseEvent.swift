/// A mouse event in grid coordinates.
public struct MouseEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: Sendable, Hashable {
        case press, release, wheelUp, wheelDown
    }
    /// What happened.
    public var kind: Kind
    /// Row, from 0.
    public var row: Int
    /// Column, from 0.
    public var col: Int

    /// A mouse event from its parts.
    public init(kind: Kind, row: Int, col: Int) {
        self.kind = kind
        self.row = row
        self.col = col
    }
}
