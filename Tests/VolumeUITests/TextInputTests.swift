import Testing

@testable import VolumeUI

/// Found by the monkey test (seed 1928366959): a combining mark typed into a text field merges with the
/// character before it, but `TextInput` moves its cursor one place per key, past the end of the text; the next key
/// traps in `String.index(_:offsetBy:)` and the dashboard crashes (`/`, `e`, U+0301, `x` is enough).
@Suite struct TextInputTests {
    @Test func combiningMarkKeepsTheCursorInside() async {
        do {
            await #expect(processExitsWith: .success) {
                var input = TextInput()
                _ = input.edit(.char("e"))
                _ = input.edit(.char("\u{301}"))
                _ = input.edit(.char("x"))
                _ = input.edit(.backspace)
                _ = input.edit(.backspace)
                precondition(input.cursor <= input.text.count)
            }
        }
    }
}
