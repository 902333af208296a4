import Testing

@testable import VolumeCore

/// The catalog's fast name sort gives exactly the order of `String`'s `<`.
@Suite struct NameOrderTests {
    /// Names that share long prefixes, differ past the 16th byte, hold NULs and controls, or are empty.
    static func asciiNames(_ count: Int, seed: UInt64) -> [String] {
        let stems = ["", "a", "bench-vol-", "bench-volume-000", "bench-volume-0000-x", "Z", "z", "0", "data\u{0}", "\u{1}\u{7F}"]
        let tails: [Character] = ["0", "1", "a", "-", "_", ".", "\u{0}", "~", "A"]
        return (0..<count).map { i in
            // A fixed scramble of i and the seed (no generator needed: the same names every run).
            var x = (UInt64(i) &+ seed &* 1_000_003) &* 0x9E37_79B9_7F4A_7C15
            var name = stems[Int(x >> 60) % stems.count]
            for _ in 0..<Int((x >> 32) % 24) {
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                name.append(tails[Int(x >> 59) % tails.count])
            }
            return name
        }
    }

    @Test func asciiNamesSortAsStringsDo() {
        for seed in UInt64(1)...20 {
            let names = Self.asciiNames(500, seed: seed)
            let fast = NameOrder.sortedPositions(names).map { names[$0] }
            let plain = names.sorted()
            #expect(fast == plain, "seed \(seed)")
        }
    }

    @Test func equalNamesKeepTheirOrder() {
        let names = ["b", "a", "b", "a", "bench-volume-0000-same", "bench-volume-0000-same"]
        #expect(NameOrder.sortedPositions(names) == [1, 3, 0, 2, 4, 5])
    }

    @Test func anyNonAsciiNameUsesStringOrderForAll() throws {
        // "é" precomposed and decomposed are equal as Strings; byte order would split them.
        var names = Self.asciiNames(200, seed: 99)
        names += ["caf\u{E9}", "cafe\u{301}", "caf\u{E9}-2", "\u{1F600}", "Ω", "zz"]
        let fast = NameOrder.sortedPositions(names).map { names[$0] }
        #expect(fast == names.sorted())
        #expect(NameOrder.prefixKey("caf\u{E9}") == nil)
        let key = try #require(NameOrder.prefixKey("ab"))
        #expect(key.high == 0x6162_0000_0000_0000 && key.low == 0)
    }

    @Test func emptyAndSingle() {
        #expect(NameOrder.sortedPositions([String]()) == [])
        #expect(NameOrder.sortedPositions(["x"]) == [0])
    }

    @Test func catalogEntriesComeSortedByName() {
        let names = Self.asciiNames(300, seed: 7)
        let catalog = Catalog(volumes: names.map { Volume(name: $0) }, containers: [])
        #expect(catalog.entries.map(\.name) == names.sorted())
    }
}
