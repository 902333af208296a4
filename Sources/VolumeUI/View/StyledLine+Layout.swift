import VolumeCore

extension StyledLine {
    /// The line's spans sanitized, as `(character, columns, role)` cells in order (zero-width marks join the
    /// character before them).
    private var cells: [(text: String, width: Int, role: Theme.Role)] {
        var out: [(text: String, width: Int, role: Theme.Role)] = []
        for span in spans {
            for c in Sanitizer.inline(span.text) {
                let w = CellGrid.width(of: c)
                if w == 0, !out.isEmpty {
                    out[out.count - 1].text.append(c)
                    continue
                }
                out.append((String(c), w, span.role))
            }
        }
        return out
    }

    /// Joins cells back into spans, merging neighbours of the same role.
    private static func line(of cells: ArraySlice<(text: String, width: Int, role: Theme.Role)>) -> StyledLine {
        var line = StyledLine()
        for cell in cells {
            if let last = line.spans.last, last.role == cell.role {
                line.spans[line.spans.count - 1].text += cell.text
            } else {
                line.spans.append(Span(text: cell.text, role: cell.role))
            }
        }
        return line
    }

    /// The line folded into rows of at most `width` columns: after the last space of a row when one falls in its
    /// second half (words stay whole; a space at the very edge is the break and is not shown), else at the
    /// column as `less` folds; a wide character is never split and an empty line stays one empty row.
    func folded(width: Int) -> [StyledLine] {
        guard width > 0 else { return [self] }
        let all = cells
        var rows: [StyledLine] = []
        var start = 0
        var used = 0
        for (i, cell) in all.enumerated() {
            if used + cell.width > width, i > start, cell.text == " " {
                // The space where the row ends is the break itself.
                rows.append(Self.line(of: all[start..<i]))
                start = i + 1
                used = 0
                continue
            }
            if used + cell.width > width, i > start {
                var cut = i
                if cell.text != " ", let space = all[start..<i].lastIndex(where: { $0.text == " " }), (space - start) * 2 >= width {
                    cut = space + 1
                }
                rows.append(Self.line(of: all[start..<cut]))
                start = cut
                used = all[cut..<i].reduce(0) { $0 + $1.width }
            }
            used += cell.width
        }
        rows.append(Self.line(of: all[start...]))
        return rows
    }

    /// The columns from `column` on (for horizontal scrolling); a wide character cut by the left edge is dropped.
    func dropping(columns column: Int) -> StyledLine {
        guard column > 0 else { return self }
        let all = cells
        var used = 0
        var i = 0
        while i < all.count, used < column {
            used += all[i].width
            i += 1
        }
        return Self.line(of: all[i...])
    }

    /// Columns the line takes once sanitized.
    var columns: Int {
        spans.reduce(0) { total, span in
            // Printable ASCII (most of any text file) takes a column a byte.
            total + (span.text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? span.text.utf8.count : CellGrid.columns(of: span.text))
        }
    }
}
