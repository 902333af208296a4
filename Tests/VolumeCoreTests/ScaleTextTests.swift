import Foundation
import Testing

@testable import VolumeCore

/// The fast paths `voltop ls` takes on every row at 10,000 volumes read exactly what the slow paths read.
@Suite struct ScaleTextTests {
    /// Timestamps in the forms engines write: whole seconds, up to nine fractional digits, `Z` and offsets,
    /// leap days, the turn of a year, dates before 1970.
    static let stamps: [String] = {
        var out = [
            "2026-11-29T11:19:14Z", "2024-02-29T23:59:59Z", "2023-12-31T23:59:59.999Z", "2024-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2000-02-29T12:00:00+05:30", "2021-06-15T08:30:00-07:00",
            "2024-05-01T10:00:00.123456789+02:00", "2024-05-01T10:00:00.1Z", "2024-05-01T10:00:00.12Z",
            "2024-05-01T10:00:00.120Z", "2024-05-01T10:00:00.000000001Z", "1999-03-01T00:00:00+14:00"
        ]
        // A deterministic spread over four centuries, each form.
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<400 {
            let year = 1900 + next(300)
            let month = 1 + next(12)
            let day = 1 + next(28)
            let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, next(24), next(60), next(60))
            let digits = next(10)
            let fraction = digits == 0 ? "" : "." + String((0..<digits).map { _ in Character(String(next(10))) })
            let zone = [
                "Z", String(format: "+%02d:%02d", next(15), [0, 30, 45][next(3)]),
                String(format: "-%02d:%02d", next(13), [0, 30][next(2)])
            ][next(3)]
            out.append(base + fraction + zone)
        }
        return out
    }()

    /// The hand-written parser gives the formatters' date (to the millisecond, as they read fractions) for every
    /// form the engine writes, so ages and the created sort do not move.
    @Test func fastDateParsingMatchesTheFormatters() throws {
        for stamp in Self.stamps {
            let fast = try #require(EngineDate.fastSeconds(stamp), "\(stamp) not read by the fast path")
            let reference = try #require(EngineDate.formatterParse(stamp), "\(stamp) not read by the formatters")
            #expect(abs(fast - reference.timeIntervalSince1970) < 0.0005, "\(stamp): \(fast) vs \(reference.timeIntervalSince1970)")
            #expect(EngineDate.parse(stamp) == Date(timeIntervalSince1970: fast))
        }
    }

    /// What the fast path does not read (other shapes, impossible dates) goes to the formatters, as before.
    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29 11:19:14Z", "2026-11-29T11:19:14",
        "2026-11-29T24:00:00Z", "2026-11-29T11:19:14.Z", "2026-11-29T11:19:14+0100", "yesterday", "", "2026-11-29T11:19:14Zjunk"
    ])
    func unusualTimestampsFallBackToTheFormatters(stamp: String) {
        #expect(EngineDate.fastSeconds(stamp) == nil)
        #expect(EngineDate.parse(stamp) == EngineDate.formatterParse(stamp))
    }

    /// The ASCII fast path of `DisplayWidth.of` counts as the per-scalar rule does, controls included.
    @Test func asciiWidthsMatchTheScalarRule() {
        let ascii = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        for text in [ascii, "bench-vol-00042", "in use (stopped)", "\u{1B}[31m", "", "   ", "a\u{7F}b"] {
            let scalars = text.unicodeScalars.reduce(0) { $0 + DisplayWidth.of($1) }
            #expect(DisplayWidth.of(text) == scalars, "\(text.debugDescription)")
        }
        #expect(DisplayWidth.of("日本x") == 5)
    }

    /// Printable ASCII is never escaped and every ASCII control still is, by both sanitizers.
    @Test func asciiSanitizingFastPathKeepsEveryEscape() {
        for byte in UInt8(0)..<128 {
            let text = "a" + String(UnicodeScalar(byte)) + "b"
            let unsafe = byte < 0x20 || byte == 0x7F
            #expect(Sanitizer.needsEscaping(text) == unsafe, "byte \(byte)")
            #expect((Sanitizer.inline(text) != text) == unsafe, "byte \(byte)")
            let keptByMultiline = byte == 0x0A || byte == 0x09 || !unsafe
            #expect((Sanitizer.multiline(text) == text) == keptByMultiline, "byte \(byte)")
        }
    }
}
