/// Sorting many names fast, in exactly the order of `String`'s `<`.
public enum NameOrder {
    /// The positions (offsets from the start) of `names` in ascending order of the names (`String`'s `<`; equal
    /// names keep their order).
    ///
    /// When every name is ASCII (what the Docker CLI allows for a name, and what engines give in practice), the
    /// order of `<` is the order of the bytes, so each name is first compared by a key of its first 16 bytes and
    /// only a tie is settled by `<`. At 10,000 volumes that made the catalog's sort about twice as fast.
    public static func sortedPositions<C: RandomAccessCollection>(_ names: C) -> [Int] where C.Element == String, C.Index == Int {
        let count = names.count
        guard count > 1 else { return Array(0..<count) }
        var keys: [(high: UInt64, low: UInt64)] = []
        keys.reserveCapacity(count)
        for name in names {
            guard let key = prefixKey(name) else {
                let base = names.startIndex
                return (0..<count).sorted { names[base + $0] < names[base + $1] }
            }
            keys.append(key)
        }
        let base = names.startIndex
        return keys.withUnsafeBufferPointer { k in
            (0..<count).sorted { a, b in
                if k[a].high != k[b].high { return k[a].high < k[b].high }
                if k[a].low != k[b].low { return k[a].low < k[b].low }
                return names[base + a] < names[base + b]
            }
        }
    }

    /// The first 16 bytes of an ASCII name, big-endian in two words and padded with zeros; nil for a name that is
    /// not all ASCII.
    static func prefixKey(_ name: String) -> (high: UInt64, low: UInt64)? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = 0
        for byte in name.utf8 {
            if byte >= 0x80 { return nil }
            if index < 8 {
                high |= UInt64(byte) << (56 - 8 * UInt64(index))
            } else if index < 16 {
                low |= UInt64(byte) << (56 - 8 * UInt64(index - 8))
            }
            index += 1
        }
        return (high, low)
    }
}
