/// A one-line text field: the text and a cursor, edited by keys that no binding took.
struct TextInput: Sendable, Equatable {
    /// The text as typed.
    private(set) var text: String
    /// The cursor, in characters from the start.
    private(set) var cursor: Int

    /// A field holding some text, cursor at its end.
    init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    var isEmpty: Bool { text.isEmpty }

    /// Applies an editing key; returns whether the key was an edit (consumed).
    mutating func edit(_ key: KeyPress) -> Bool {
        // Characters, not keys: a combining mark merges with the character before it (the cursor never passes the end).
        cursor = min(max(0, cursor), text.count)
        switch key {
        case .char(let c):
            insert(c)
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left, .ctrl("b"):
            cursor = max(0, cursor - 1)
        case .right, .ctrl("f"):
            cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"):
            cursor = 0
        case .end, .ctrl("e"):
            cursor = text.count
        case .ctrl("u"):
            text.removeFirst(cursor)
            cursor = 0
        case .ctrl("k"):
            text.removeLast(text.count - cursor)
        case .ctrl("w"):
            let chars = Array(text)
            var start = cursor
            while start > 0, chars[start - 1] == " " { start -= 1 }
            while start > 0, chars[start - 1] != " " { start -= 1 }
            text = String(chars[..<start]) + String(chars[cursor...])
            cursor = start
        default:
            return false
        }
        return true
    }

    /// Inserts a character at the cursor; control characters are ignored.
    mutating func insert(_ c: Character) {
        guard !c.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return }
        let at = min(max(0, cursor), text.count)
        let before = String(text.prefix(at)) + String(c)
        text = before + String(text.dropFirst(at))
        // A combining mark joins the character before it: the cursor counts characters as they now are.
        cursor = min(before.count, text.count)
    }

    /// Replaces the whole text, cursor at the end.
    mutating func set(_ newText: String) {
        text = newText
        cursor = newText.count
    }
}
