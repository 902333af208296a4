/// A rectangle of grid cells.
struct Rect: Sendable, Equatable {
    var row: Int
    var col: Int
    var height: Int
    var width: Int

    static let zero = Rect(row: 0, col: 0, height: 0, width: 0)

    /// The row just below the rectangle.
    var bottom: Int { row + height }
    /// The column just right of the rectangle.
    var right: Int { col + width }

    /// Whether a cell lies inside.
    func contains(row r: Int, col c: Int) -> Bool {
        r >= row && r < bottom && c >= col && c < right
    }

    /// The rectangle without its first `n` rows.
    func droppingTop(_ n: Int) -> Rect {
        Rect(row: row + n, col: col, height: max(0, height - n), width: width)
    }

    /// The rectangle shrunk by `dx` columns and `dy` rows on each side.
    func inset(dx: Int, dy: Int) -> Rect {
        Rect(row: row + dy, col: col + dx, height: max(0, height - 2 * dy), width: max(0, width - 2 * dx))
    }
}
