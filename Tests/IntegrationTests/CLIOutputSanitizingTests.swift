import Foundation
import Testing

@testable import VolumeCore

/// The CLI's one output boundary: engine text (error messages, labels) never reaches stdout or stderr raw.
@Suite(.serialized)
struct CLIOutputSanitizingTests {
    /// `voltop rm` of a volume whose name holds ESC: the engine's 404 message repeats the name, and that message
    /// used to be printed raw as the error's cause.
    @Test(.enabled(if: TestEngine.isAvailable)) func engineErrorWithAnEscapeSequenceIsEscaped() throws {
        let name = "vt\u{1B}[31mred\u{1B}]0;pwned\u{07}\u{9B}2J"
        let r = try CLITests.voltop(["rm", name])
        #expect(r.status == 1)
        #expect(r.err.contains("no such volume"), "stderr was: \(r.err)")
        for (stream, text) in [("stdout", r.out), ("stderr", r.err)] {
            #expect(!text.utf8.contains(0x1B), "raw ESC on \(stream): \(Array(text.utf8))")
            #expect(!text.utf8.contains(0x07), "raw BEL on \(stream)")
            #expect(!text.unicodeScalars.contains("\u{9B}"), "raw C1 CSI on \(stream)")
        }
        #expect(r.err.contains("\\e[31m"), "the escape is shown visibly: \(r.err)")
    }

    /// JSON output: the encoder escapes C0 controls, but C1 controls, bidi overrides, zero-width and tag
    /// characters in a label went out raw; now every one is a `\uXXXX` escape and the JSON value is unchanged.
    @Test(.enabled(if: TestEngine.isAvailable)) func jsonOutputEscapesEveryUnsafeCharacter() throws {
        let vol = TestEngine.unique("cli-json-esc")
        defer { TestEngine.removeVolumes([vol]) }
        let value = "a\u{9B}31m\u{202E}b\u{200B}c\u{E0041}d\u{1B}e"
        try TestEngine.docker(["volume", "create", "--label", "evil=\(value)", vol])
        let r = try CLITests.voltop(["ls", "--json", "--filter", "name=\(vol)"])
        #expect(r.status == 0, "stderr: \(r.err)")
        for scalar in r.out.unicodeScalars { #expect(!Sanitizer.isUnsafe(scalar) || scalar == "\n", "raw \(scalar.value) in JSON") }
        #expect(r.out.contains("\\u009b") && r.out.contains("\\u202e") && r.out.contains("\\udb40\\udc41"))
        let array = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let labels = try #require(array.first?["labels"] as? [String: String])
        #expect(labels["evil"] == value, "the escapes decode to the same value")

        let inspect = try CLITests.voltop(["inspect", "--json", vol])
        #expect(inspect.status == 0, "stderr: \(inspect.err)")
        for scalar in inspect.out.unicodeScalars {
            #expect(!Sanitizer.isUnsafe(scalar) || scalar == "\n", "raw \(scalar.value) in inspect JSON")
        }
    }
}
