import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The helpers that replaced Foundation's `NSString` bridge, `JSONSerialization`, `NSLock` and `Thread` in the product
/// (so its binary links `FoundationEssentials` only) give what Foundation gives. Tests may link Foundation: here it is
/// the reference.
struct FoundationFreeTests {
    static let texts: [String] = [
        "", " ", "\t", "  a  ", "\ta b\t", "\u{A0}x\u{A0}", "\u{2003}em\u{3000}", " \n x \n ", "\r\nline\r\n", "\u{85}nel\u{85}",
        "\u{2028}ls\u{2029}", "e\u{301} ", " \u{301}x", "only", "\u{1F600} smile \u{1F600}", "\u{FEFF}bom", "\u{B}\u{C}v\u{C}",
        "a\tb", "\u{1B}[31mred\u{1B}[0m", "     ", "\n\n", "x\u{200B}", "名前 "
    ]

    @Test func trimmingAsFoundationTrims() {
        for text in Self.texts {
            #expect(text.trimmingBlanks() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(
                text.trimmingBlanksAndLineBreaks() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
            #expect(text.trimming(\.isLineBreak) == text.trimmingCharacters(in: .newlines), "\(text.debugDescription)")
            #expect(text.dropFirst(0).trimmingBlanks() == text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// Letters, marks and numbers as `CharacterSet.alphanumerics` has them, over the scripts names are written in
    /// (characters assigned up to Unicode 15: Foundation's tables do not know the newer ones yet, the standard
    /// library's do).
    @Test func alphanumericsAsCharacterSet() {
        var checked = 0
        for value in UInt32(0)...0x2FFF {
            guard let scalar = Unicode.Scalar(value), let age = scalar.properties.age, age.major <= 15 else { continue }
            #expect(scalar.isAlphanumeric == CharacterSet.alphanumerics.contains(scalar), "U+\(String(value, radix: 16))")
            #expect(scalar.isASCIIAlphanumeric == (scalar.isASCII && CharacterSet.alphanumerics.contains(scalar)))
            checked += 1
        }
        #expect(checked > 10_000)
    }

    @Test func replacingAsFoundationReplaces() {
        let cases: [(String, String, String)] = [
            ("a/b/c", "/", "_"), ("\tx\t", "\t", "    "), ("aaa", "aa", "b"), ("", "x", "y"), ("x", "", "y"),
            ("é/é", "é", "e"), ("a-b_c", "-", "+"), ("the engine's archive stream broke", "the engine's archive stream", "the archive"),
            ("名前/名前", "/", "_"), ("\u{1F600}\u{1F600}", "\u{1F600}", ":)")
        ]
        for (text, target, replacement) in cases {
            #expect(
                text.replacingAll(target, with: replacement) == text.replacingOccurrences(of: target, with: replacement),
                "\(text.debugDescription)")
        }
        // A tab before a combining mark is one Character but still a tab, as NSString saw it: it never survives.
        #expect(!"a\t\u{301}b".replacingAll("\t", with: "    ").unicodeScalars.contains("\t"))
    }

    @Test func percentEncodingAsFoundationEncodesASCII() {
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        unreserved.insert(charactersIn: "-._~")
        for text in ["plain", "a b", "/var/run/docker.sock", "x%y", "名前", "e\u{301}", "a+b=c&d", "~user", "\u{1F600}", "\0nul"] {
            #expect(text.percentEncoded(keeping: "-._~") == text.addingPercentEncoding(withAllowedCharacters: unreserved))
        }
        #expect("/run/a b.sock".percentEncoded() == "%2Frun%2Fa%20b%2Esock")
    }

    @Test func parentAsNSStringDeletesTheLastComponent() {
        for path in ["/a/b", "/a", "/a/b/", "/", "", "a/b", "/a//b", "//a", "~/x/y", "/a/b//"] {
            #expect(PathName.parent(path) == (path as NSString).deletingLastPathComponent, "\(path)")
        }
        // Foundation on Linux traps on a bare relative name ("a": `--config voltop.toml` crashed voltop before);
        // this is what Darwin gives.
        #expect(PathName.parent("a") == "")
        #expect(PathName.parent("a/") == "")
    }

    @Test func caseInsensitiveSearchAsFoundationFinds() {
        let cases: [(String, String)] = [
            ("Hello World", "world"), ("ABCabc", "CA"), ("no match", "xyz"), ("Ünïcode ÜBER", "über"), ("aaa", "AA"), ("x", "")
        ]
        for (text, query) in cases {
            let ours = text.firstRangeIgnoringCase(of: query).map { text[$0] }
            let theirs = query.isEmpty ? nil : text.range(of: query, options: .caseInsensitive).map { text[$0] }
            #expect(ours == theirs, "\(text) / \(query)")
        }
        #expect("Content-Type".equalsIgnoringASCIICase("content-type"))
        #expect(!"Content-Type".equalsIgnoringASCIICase("content-typf"))
        #expect(!"[".equalsIgnoringASCIICase("{"))
        #expect("/a/x/b/x".lastRange(of: "/x").map { "/a/x/b/x".distance(from: "/a/x/b/x".startIndex, to: $0.lowerBound) } == 6)
    }

    @Test func cFormatAsStringFormat() {
        #expect(CFormat.string("%09lld", Int64(12_345)) == String(format: "%09lld", Int64(12_345)))
        #expect(CFormat.string("%.1f s", 2.25) == String(format: "%.1f s", 2.25))
        #expect(CFormat.string("%.3f", -0.0004) == String(format: "%.3f", -0.0004))
        #expect(CFormat.string("%04d%02d", Int32(2026), Int32(3)) == "202603")
        let long = CFormat.string("%0300d", Int32(7))
        #expect(long.count == 300 && long.hasSuffix("7"))
    }

    /// In the user's locale too (the dashboard sets it for ncurses): a decimal comma never reaches a message.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/i18n/locales/de_DE"), "needs glibc's locale sources"))
    func cFormatIgnoresTheUsersDecimalComma() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-locale-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let built = Process()
        built.executableURL = URL(fileURLWithPath: "/usr/bin/localedef")
        built.arguments = ["-i", "de_DE", "-f", "UTF-8", dir + "/de_DE.UTF-8"]
        try built.run()
        built.waitUntilExit()
        try #require(built.terminationStatus == 0 && FileManager.default.fileExists(atPath: dir + "/de_DE.UTF-8/LC_NUMERIC"))
        setenv("LOCPATH", dir, 1)
        defer { unsetenv("LOCPATH") }
        let german = try #require(newlocale(1 << LC_NUMERIC, "de_DE.UTF-8", nil))
        defer { freelocale(german) }
        let previous = uselocale(german)
        defer { uselocale(previous) }
        #expect(String(format: "%.1f", locale: Locale(identifier: "de_DE"), 2.5) == "2,5")  // the locale is real
        #expect(CFormat.string("%.1f s", 2.5) == "2.5 s")
    }

    /// The engine's documents, passed on whole by `voltop inspect --json`, read and written as `JSONSerialization`
    /// read and wrote them: same keys, same values, same numbers.
    @Test(arguments: ["volume-inspect.json", "containers.json", "system-df.json", "version.json", "volumes.json"])
    func jsonValueKeepsWhatJSONSerializationKept(_ name: String) throws {
        let data = try FixtureTests.fixture(name)
        let value = try #require(JSONValue.parse(data))
        let ours = try value.encoded(pretty: true)
        let theirs = try JSONSerialization.data(
            withJSONObject: JSONSerialization.jsonObject(with: data), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let a = try JSONSerialization.jsonObject(with: ours) as? NSObject
        let b = try JSONSerialization.jsonObject(with: theirs) as? NSObject
        #expect(a == b)
        #expect(JSONValue.parse(ours) == value)
    }

    @Test func jsonValueNumbersAndEscapes() throws {
        let value = try #require(
            JSONValue.parse(Data(#"{"big":9007199254740993,"neg":-5,"f":1.5,"e":1e3,"s":"a/b\u001b","n":null,"t":true}"#.utf8)))
        #expect(value["big"] == .integer(9_007_199_254_740_993))
        #expect(value["neg"] == .integer(-5))
        #expect(value["f"] == .number(1.5))
        #expect(value["s"]?.string == "a/b\u{1B}")
        #expect(value["n"] == .null)
        #expect(value["t"] == .bool(true))
        let text = String(decoding: try value.encoded(), as: UTF8.self)
        #expect(text.contains(#""big":9007199254740993"#))
        #expect(text.contains(#""s":"a/b\u001b""#))
        #expect(JSONValue.parse(Data("not json".utf8)) == nil)
        #expect(JSONValue.parse(Data("[1,".utf8)) == nil)
        let body: JSONValue = ["Labels": JSONValue(["b": "2", "a": "1"]), "ReadOnly": true, "Entrypoint": ["/x"]]
        #expect(String(decoding: try body.encoded(), as: UTF8.self) == #"{"Entrypoint":["/x"],"Labels":{"a":"1","b":"2"},"ReadOnly":true}"#)
    }

    @Test func engineDatesBeyondTheFastPath() throws {
        // Forms the fast path leaves to the parser: lower-case separators and no seconds fraction digits past three.
        let reference = ISO8601DateFormatter()
        for stamp in ["2026-11-29T11:19:14Z", "2026-11-29T11:19:14+01:00", "1969-07-20T20:17:40Z"] {
            #expect(EngineDate.formatterParse(stamp) == reference.date(from: stamp), "\(stamp)")
        }
        let fraction = try #require(EngineDate.formatterParse("2026-11-29T11:19:14.123456789Z"))
        #expect(abs(fraction.timeIntervalSince1970 - 1_795_951_154.123) < 0.000_5)
        #expect(EngineDate.formatterParse("yesterday") == nil)
    }

    @Test func trashIDsStampTheUTCTime() {
        let id = Trash.newID(name: "app/data:1", at: Date(timeIntervalSince1970: 1_764_415_154.9))
        #expect(id.hasPrefix("20251129T111914Z-app_data_1-"), "\(id)")
        #expect(id.count == "20251129T111914Z-app_data_1-".count + 6)
    }

    /// A thread of its own runs its body under its name; a condition hands work over between threads.
    @Test func threadsLocksAndConditions() async {
        let condition = ThreadCondition()
        let lock = ThreadLock()
        nonisolated(unsafe) var done = 0
        nonisolated(unsafe) var names: [String] = []
        for i in 0..<4 {
            OSThread.start(name: "voltop-test-thread-\(i)-long-name") {
                let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                lock.withLock { names.append(comm.trimmingCharacters(in: .newlines)) }
                condition.lock()
                done += 1
                condition.broadcast()
                condition.unlock()
            }
        }
        condition.lock()
        while done < 4 { condition.wait() }
        condition.unlock()
        #expect(done == 4)
        #expect(lock.withLock { names.sorted() } == Array(repeating: "voltop-test-thr", count: 4))
    }
}
