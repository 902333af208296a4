extension Sanitizer {
    /// Raw name bytes made safe for a terminal: valid UTF-8 as text with control characters escaped (as `inline`),
    /// every byte that is not part of valid UTF-8 as `\xHH`, so names that differ in bytes differ on screen.
    public static func inline<Bytes: Collection<UInt8>>(bytes: Bytes) -> String {
        let array = Array(bytes)
        if let text = String(validating: array, as: UTF8.self) { return inline(text) }
        var out = String()
        out.reserveCapacity(array.count + 8)
        var i = 0
        while i < array.count {
            let length = validSequenceLength(array, at: i)
            if length == 0 {
                out += escape(Unicode.Scalar(array[i]))  // 0x80...0xFF: `\xHH`
                i += 1
                continue
            }
            var value = length == 1 ? UInt32(array[i]) : UInt32(array[i]) & (0xFF >> (length + 1))
            for k in 1..<length { value = value << 6 | UInt32(array[i + k] & 0x3F) }
            if let scalar = Unicode.Scalar(value) {
                if isUnsafe(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
            i += length
        }
        return out
    }

    /// The length of the well-formed UTF-8 sequence starting at `i` (Unicode table 3-7), or 0 when there is none.
    private static func validSequenceLength(_ b: [UInt8], at i: Int) -> Int {
        let b0 = b[i]
        func cont(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { i + k < b.count && range.contains(b[i + k]) }
        switch b0 {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
