import Foundation
import Testing

@testable import VolumeCore

/// `VolumeListDecoder` reads `GET /volumes` as `JSONDecoder` does with `Volume`'s `Decodable`: the same volumes from
/// recorded answers, and the same success or failure on hostile ones.
@Suite struct VolumeListDecoderTests {
    enum Outcome: Equatable, CustomStringConvertible {
        case volumes([Volume])
        case failed

        var volumes: [Volume]? {
            if case .volumes(let v) = self { return v }
            return nil
        }

        var description: String {
            switch self {
            case .volumes(let v): return "\(v.count) volumes \(v.map(\.name))"
            case .failed: return "failed"
            }
        }
    }

    static func viaJSONDecoder(_ data: Data) -> Outcome {
        struct List: Decodable { var Volumes: [Volume]? }
        guard let list = try? JSONDecoder().decode(List.self, from: data) else { return .failed }
        return .volumes(list.Volumes ?? [])
    }

    static func viaReader(_ data: Data) -> Outcome {
        guard let volumes = try? VolumeListDecoder.decode(data) else { return .failed }
        return .volumes(volumes)
    }

    static let fixtures = [
        "volumes.json", "system-df.json", "volume-inspect.json", "containers.json", "container-inspect-sidecar.json",
        "version.json", "error-in-use.json"
    ]

    @Test(arguments: fixtures) func recordedAnswersReadAsJSONDecoderReadsThem(_ name: String) throws {
        let data = try FixtureTests.fixture(name)
        #expect(Self.viaReader(data) == Self.viaJSONDecoder(data))
    }

    @Test func theRecordedVolumeListKeepsEveryField() throws {
        let volumes = try VolumeListDecoder.decode(FixtureTests.fixture("volumes.json"))
        #expect(volumes.count == 12)
        let tmpfs = try #require(volumes.first { $0.name == "tmpfs-vol" })
        #expect(tmpfs.options == ["device": "tmpfs", "o": "size=8m", "type": "tmpfs"])
        #expect(tmpfs.labels.isEmpty && tmpfs.driver == "local" && tmpfs.scope == "local")
        #expect(tmpfs.mountpoint == "/tmp/vt-rec-7YbUdq/data/volumes/tmpfs-vol/_data")
        #expect(tmpfs.createdAt == "2026-11-29T11:19:15Z")
        #expect(tmpfs.created == EngineDate.parse("2026-11-29T11:19:15Z"))
        // The escapes of a label come out as the characters they stand for (the Sanitizer deals with them later).
        #expect(volumes.first { $0.name == "label-escape" }?.labels["note"] == "\u{1B}[31mred\nline")
    }

    /// The engine's list is read where the HTTP client put it (no copy into `Data`): the same volumes as from `Data`.
    @Test func aReplysBytesReadInPlaceAsItsData() throws {
        let data = try FixtureTests.fixture("volumes.json")
        let reply = EngineReply(status: 200, headers: [], body: data)
        #expect(reply.bodyCount == data.count && reply.body == data)
        let inPlace = try reply.withBody { try VolumeListDecoder.decode(bytes: $0) }
        #expect(inPlace == (try VolumeListDecoder.decode(data)))
        #expect(inPlace.count == 12)
    }

    /// The body of a one-volume list with `field` (raw JSON) after its name.
    static func withField(_ field: String) -> [UInt8] {
        Array(#"{"Volumes":[{"Name":"a",\#(field)}]}"#.utf8)
    }

    static func withRawName(_ bytes: [UInt8]) -> [UInt8] {
        Array(#"{"Volumes":[{"Name":""#.utf8) + bytes + Array(#""}]}"#.utf8)
    }

    /// Hostile and odd answers; each reads (or fails) as with JSONDecoder.
    static let hostile: [(String, [UInt8])] = [
        ("huge numbers", withField(#""UsageData":{"Size":1e999999,"RefCount":123456789012345678901234567890}"#)),
        ("negative size", withField(#""UsageData":{"Size":-9223372036854775809,"RefCount":-1}"#)),
        ("loose number", withField(#""X":1..2e-+"#)),
        ("not a number", withField(#""X":.5"#)),
        ("number then text", withField(#""X":1x"#)),
        ("Infinity", withField(#""X":Infinity"#)),
        ("missing Name", Array(#"{"Volumes":[{"Driver":"local"}]}"#.utf8)),
        ("null Name", Array(#"{"Volumes":[{"Name":null}]}"#.utf8)),
        ("numeric Name", Array(#"{"Volumes":[{"Name":7}]}"#.utf8)),
        ("null Driver, Scope, CreatedAt", withField(#""Driver":null,"Scope":null,"CreatedAt":null"#)),
        ("numeric label", withField(#""Labels":{"k":1}"#)),
        ("null label", withField(#""Labels":{"k":null}"#)),
        ("Labels a list", withField(#""Labels":[]"#)),
        ("duplicate keys: the first wins", Array(#"{"Volumes":[{"Name":"a","Name":5,"Labels":{"k":"1","k":2}}],"Volumes":7}"#.utf8)),
        ("escaped keys", Array(#"{"\u0056olumes":[{"N\u0061me":"\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\"}]}"#.utf8)),
        ("NUL escape", withRawName(Array(#"\u0000"#.utf8))),
        ("lone high surrogate", withRawName(Array(#"\ud800"#.utf8))),
        ("lone low surrogate", withRawName(Array(#"\udc00"#.utf8))),
        ("two high surrogates", withRawName(Array(#"\ud800\ud800"#.utf8))),
        ("bad escape", withRawName(Array(#"\x"#.utf8))),
        ("bad hex", withRawName(Array(#"\u12g4"#.utf8))),
        ("short hex at the end", Array(#"{"Volumes":[{"Name":"\u12"#.utf8)),
        ("raw control character", withRawName([0x61, 0x01])),
        ("raw tab", withRawName([0x09])),
        ("raw DEL", withRawName([0x7F])),
        ("invalid UTF-8", withRawName([0x61, 0xFF])),
        ("overlong UTF-8", withRawName([0xC0, 0x80])),
        ("UTF-8 surrogate", withRawName([0xED, 0xA0, 0x80])),
        ("truncated UTF-8 before an escape", withRawName([0xC3] + Array(#"\u00a9"#.utf8))),
        ("valid UTF-8 and escapes", withRawName([0xC3, 0xA9] + Array(#"\n"#.utf8) + [0xE2, 0x82, 0xAC])),
        ("invalid UTF-8 in a key", Array(#"{"Volumes":[{"Name":"a",""#.utf8) + [0xFF] + Array(#"":1}]}"#.utf8)),
        ("invalid UTF-8 in a value not read", Array(#"{"Volumes":[{"Name":"a","X":""#.utf8) + [0xFF] + Array(#""}]}"#.utf8)),
        ("bad escapes in a value not read", withField(#""X":["\ud800","\x",{"\udc00":"\u12g4"}]"#)),
        ("canonically equal label keys", Array("{\"Volumes\":[{\"Name\":\"a\",\"Labels\":{\"\u{E9}\":\"1\",\"e\u{301}\":\"2\"}}]}".utf8)),
        ("trailing commas", Array(#"{"Volumes":[{"Name":"a","Labels":{"k":"v",},},],}"#.utf8)),
        ("leading comma", Array(#"{"Volumes":[,{"Name":"a"}]}"#.utf8)),
        ("double comma", withField(#""X":[1,,2]"#)),
        ("comma in an empty object", withField(#""X":{,}"#)),
        ("missing colon", withField(#""X" 1"#)),
        ("unquoted key", withField(#"X:1"#)),
        ("comment", withField(#""X":/**/1"#)),
        ("bad literal", withField(#""X":nul"#)),
        ("long literal", withField(#""X":nulll"#)),
        ("null volume", Array(#"{"Volumes":[null]}"#.utf8)),
        ("Volumes an object", Array(#"{"Volumes":{}}"#.utf8)),
        ("Volumes null", Array(#"{"Volumes":null,"Warnings":null}"#.utf8)),
        ("no Volumes", Array(#"{"Warnings":["x"]}"#.utf8)),
        ("a list at the top", Array("[]".utf8)),
        ("empty", []),
        ("whitespace only", Array(" \n".utf8)),
        ("text after the answer", Array(#"{"Volumes":[]} x"#.utf8)),
        ("form feed after the answer", Array("{\"Volumes\":[]}\u{0C}".utf8)),
        ("NUL after the answer", Array(#"{"Volumes":[]}"#.utf8) + [0]),
        ("unterminated", Array(#"{"Volumes":[{"Name":"a"#.utf8)),
        ("UTF-8 byte-order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"Volumes":[{"Name":"b"}]}"#.utf8)),
        (
            "UTF-16 with a byte-order mark",
            [0xFF, 0xFE] + Array(#"{"Volumes":[{"Name":"b"}]}"#.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        ),
        ("nesting 512 deep", withField(#""X":"# + String(repeating: "[", count: 509) + String(repeating: "]", count: 509))),
        ("nesting 513 deep", withField(#""X":"# + String(repeating: "[", count: 510) + String(repeating: "]", count: 510))),
        ("objects 513 deep", withField(#""X":"# + String(repeating: #"{"a":"#, count: 510) + "1" + String(repeating: "}", count: 510))),
        ("100,000 open brackets", withField(#""X":"# + String(repeating: "[", count: 100_000))),
        (
            "dates of every form",
            Array(#"{"Volumes":[{"Name":"a","CreatedAt":"2024-05-01T10:00:00.123456789+02:00"},{"Name":"b","CreatedAt":"garbage"}]}"#.utf8)
        )
    ]

    @Test(arguments: hostile.map(\.0)) func hostileAnswersReadOrFailAsWithJSONDecoder(_ name: String) throws {
        let bytes = try #require(Self.hostile.first { $0.0 == name }?.1)
        let data = Data(bytes)
        #expect(Self.viaReader(data) == Self.viaJSONDecoder(data))
    }

    @Test func whatTheHostileAnswersGive() throws {
        func outcome(_ name: String) throws -> Outcome { Self.viaReader(Data(try #require(Self.hostile.first { $0.0 == name }?.1))) }
        #expect(try outcome("huge numbers") == .volumes([Volume(name: "a", driver: "", scope: "local")]))
        #expect(try outcome("missing Name") == .failed)
        #expect(try outcome("invalid UTF-8") == .failed)
        #expect(try outcome("invalid UTF-8 in a value not read") != .failed)
        #expect(try outcome("lone high surrogate") == .failed)
        #expect(try outcome("nesting 512 deep") != .failed)
        #expect(try outcome("nesting 513 deep") == .failed)
        #expect(try outcome("100,000 open brackets") == .failed)
        #expect(try outcome("Volumes null") == .volumes([]))
        #expect(
            try outcome("duplicate keys: the first wins")
                == .volumes([Volume(name: "a", driver: "", labels: ["k": "1"], scope: "local")]))
        #expect(try outcome("escaped keys") == .volumes([Volume(name: "\u{E9}\u{1F600}/\u{8}\u{C}\n\r\t\"\\", driver: "", scope: "local")]))
        #expect(try outcome("UTF-16 with a byte-order mark") == .volumes([Volume(name: "b", driver: "", scope: "local")]))
    }

    @Test func tenThousandVolumesReadAsWithJSONDecoder() throws {
        var parts: [String] = []
        for k in 0..<10_000 {
            let name = k % 7 == 0 ? String(repeating: "\(k % 10)", count: 64) : "bench-\(k)-\u{E9}"
            let labels = k % 3 == 0 ? #"{"com.docker.compose.project":"p\#(k % 50)","k\#(k)":"v\"\#(k)"}"# : "null"
            parts.append(
                #"{"CreatedAt":"2026-11-29T11:19:\#(String(format: "%02d", k % 60)).\#(k)Z","Driver":"local","Labels":\#(labels),"#
                    + #""Mountpoint":"/var/lib/docker/volumes/\#(name)/_data","Name":"\#(name)","Options":null,"Scope":"local","#
                    + #""UsageData":{"RefCount":\#(k % 3),"Size":\#(k * 4096)}}"#)
        }
        let data = Data(("{\"Volumes\":[" + parts.joined(separator: ",") + "],\"Warnings\":null}").utf8)
        let read = Self.viaReader(data)
        #expect(read == Self.viaJSONDecoder(data))
        let volumes = try #require(read.volumes)
        #expect(volumes.count == 10_000)
        #expect(volumes[3].labels["k3"] == "v\"3")
    }

    /// Strings are scanned 8 bytes at a time: a quote, a backslash, a control character or a non-ASCII byte at any
    /// place of a word (and in the bytes after the last whole word) is read as `JSONDecoder` reads it.
    @Test func everySpecialByteAtEveryPlaceOfAWordReadsAsWithJSONDecoder() throws {
        let specials = [#"\""#, #"\\"#, #"\n"#, #"\u00e9"#, #"\u0001"#, "\u{E9}", "\u{1F600}", "\u{7F}", "\u{1}", "\t"]
        var checked = 0
        for length in 0..<20 {
            for place in 0...length {
                for special in specials {
                    let plain = String(repeating: "a", count: length)
                    let name = String(plain.prefix(place)) + special + String(plain.dropFirst(place))
                    for key in ["Name", "Mountpoint", #"Nam\u0065"#] {
                        let json = #"{"Volumes":[{"\#(key)":"\#(name)","Driver":"local","Labels":{"k\#(name)":"\#(name)"}}]}"#
                        let data = Data(json.utf8)
                        #expect(Self.viaReader(data) == Self.viaJSONDecoder(data), "\(json.debugDescription)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 210 * 10 * 3)
    }
}
