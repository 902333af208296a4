import Foundation
import Testing

@testable import VolumeCore

@Suite struct TextTests {
    @Test(
        arguments: [
            ("plain-name", "plain-name"),
            ("a\u{1B}[31mred", "a\\e[31mred"),
            ("two\nlines", "two\\nlines"),
            ("bell\u{07}", "bell\\x07"),
            ("c1\u{9B}2J", "c1\\x9B2J"),
            ("rtl\u{202E}txt", "rtl\\u{202E}txt"),
            ("日本語🐳", "日本語🐳"),
            // Bidi controls: Arabic letter mark, LRM/RLM, embeddings and overrides, isolates.
            ("a\u{061C}b", "a\\u{061C}b"), ("a\u{200E}\u{200F}b", "a\\u{200E}\\u{200F}b"), ("a\u{202A}b", "a\\u{202A}b"),
            ("a\u{2066}\u{2069}b", "a\\u{2066}\\u{2069}b"),
            // Zero-width and invisible characters, the byte order mark, line and paragraph separators.
            ("a\u{200B}\u{200C}\u{200D}b", "a\\u{200B}\\u{200C}\\u{200D}b"), ("a\u{2060}\u{2064}b", "a\\u{2060}\\u{2064}b"),
            ("\u{FEFF}bom", "\\u{FEFF}bom"), ("a\u{2028}b", "a\\u{2028}b"),
            // Tag characters.
            ("flag\u{E0001}\u{E0041}\u{E007F}", "flag\\u{E0001}\\u{E0041}\\u{E007F}"),
            // C1 controls: NEL, CSI.
            ("a\u{85}b\u{9F}", "a\\x85b\\x9F"),
            // Neighbours that are fine: Arabic text, non-breaking space, word characters around the ranges.
            ("مرحبا\u{00A0}x\u{2010}y\u{E0080}", "مرحبا\u{00A0}x\u{2010}y\u{E0080}")
        ] as [(String, String)])
    func sanitizes(input: String, expected: String) {
        #expect(Sanitizer.inline(input) == expected)
        #expect(!Sanitizer.needsEscaping(Sanitizer.inline(input)))
    }

    @Test func multilineKeepsLinesAndTabsOnly() {
        #expect(Sanitizer.multiline("one\ttwo\nthree") == "one\ttwo\nthree")
        #expect(Sanitizer.multiline("a\u{1B}[31m\r\nb\u{202E}c\u{200B}") == "a\\e[31m\\r\nb\\u{202E}c\\u{200B}")
        let out = Sanitizer.multiline("x\u{9B}2J\u{07}\u{E0041}")
        #expect(!out.unicodeScalars.contains(where: Sanitizer.isUnsafe))
    }

    @Test func jsonEscapedKeepsTheValueAndEscapesEveryUnsafeScalar() throws {
        let value = "a\u{1B}[31m\u{9B}\u{202E}\u{200B}\u{FEFF}\u{E0041}\u{2028}z 漢🐳"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(["k": value]), as: UTF8.self)
        let escaped = Sanitizer.jsonEscaped(json)
        for scalar in escaped.unicodeScalars { #expect(!Sanitizer.isUnsafe(scalar) || scalar == "\n", "raw U+\(scalar.value)") }
        #expect(escaped.contains("\\u009b") && escaped.contains("\\u202e") && escaped.contains("\\udb40\\udc41"))
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(escaped.utf8))
        #expect(decoded["k"] == value)
    }

    @Test(
        arguments: [
            (0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (1_048_576, "1.0 MiB"),
            (1_073_741_824 * 3, "3.0 GiB"), (1_048_575, "1.0 MiB")
        ] as [(Int64, String)])
    func formatsBytes(n: Int64, text: String) {
        #expect(Format.bytes(n) == text)
    }

    @Test func formatsAges() {
        let now = Date(timeIntervalSince1970: 1_000_000_000)
        #expect(Format.age(now.addingTimeInterval(-5), now: now) == "5s")
        #expect(Format.age(now.addingTimeInterval(-600), now: now) == "10m")
        #expect(Format.age(now.addingTimeInterval(-7200), now: now) == "2h")
        #expect(Format.age(now.addingTimeInterval(-86400 * 3), now: now) == "3d")
        #expect(Format.age(nil, now: now) == "-")
    }

    @Test func measuresWideText() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.of("🐳x") == 3)
        #expect(DisplayWidth.of("e\u{0301}") == 1)
        #expect(DisplayWidth.pad("日本語", to: 5) == "日本…")
        #expect(DisplayWidth.of(DisplayWidth.pad("日本語", to: 5)) == 5)
        #expect(DisplayWidth.pad("ab", to: 4, alignRight: true) == "  ab")
    }

    @Test(
        arguments: [
            ("ab", true), ("app-data", true), ("a.b_c-1", true), ("x", false), ("-lead", false), (".hidden", false),
            ("has space", false), ("sl/ash", false), ("colon:x", false), ("", false), ("ünï", false)
        ] as [(String, Bool)])
    func validatesNames(name: String, valid: Bool) {
        let ok = (try? VolumeName.validate(name)) != nil
        #expect(ok == valid)
    }

    @Test func podmanAllowsOneCharacter() throws {
        try VolumeName.validate("x", flavor: "podman")
    }

    @Test func createRequestChecksLocalOptions() {
        #expect(throws: EngineError.self) { try VolumeCreateRequest(name: "ok-name", options: ["foo": "1"]).validate() }
        #expect(throws: EngineError.self) { try VolumeCreateRequest(name: "ok-name", options: ["type": "tmpfs"]).validate() }
        #expect(throws: EngineError.self) { try VolumeCreateRequest(name: "ok-name", options: ["o": "size=1m"]).validate() }
        #expect(
            (try? VolumeCreateRequest(name: "ok-name", options: ["type": "tmpfs", "device": "tmpfs", "o": "size=1m"]).validate()) != nil)
        #expect((try? VolumeCreateRequest(name: nil).validate()) != nil)
    }

    @Test func apiVersionsOrderNumerically() {
        #expect(APIVersion("1.9")! < APIVersion("1.41")!)
        #expect(APIVersion("1.41")! < APIVersion.v1_42)
        #expect(APIVersion("x") == nil)
        #expect(min(APIVersion.newestSupported, APIVersion("1.41")!) == APIVersion(1, 41))
    }

    @Test func labelFilters() throws {
        let any = try LabelFilter(parsing: "tier")
        let exact = try LabelFilter(parsing: "tier=backend")
        #expect(any.matches(["tier": "x"]))
        #expect(!any.matches(["other": "x"]))
        #expect(exact.matches(["tier": "backend"]))
        #expect(!exact.matches(["tier": "frontend"]))
        #expect(throws: EngineError.self) { try LabelFilter(parsing: "=v") }
        #expect(try LabelFilter(parsing: "k=a=b").value == "a=b")
    }
}
