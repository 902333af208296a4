#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the engine's `GET /volumes` answer in one pass over its bytes, without Foundation's `JSONDecoder`.
///
/// The volume list is the biggest answer voltop reads (about 2 MB at 10,000 volumes), and the dashboard shows no
/// name before it is read. The result is the one `JSONDecoder` gives with `Volume`'s `Decodable` conformance, and so
/// is every failure, on the rules that decoder follows here (checked by unit tests and by the `engine-json` fuzz
/// target, which compares both on every input):
/// - every key of an object it decodes and every string value it keeps is checked (UTF-8, escapes, surrogate
///   pairs, no raw control characters); a value it does not keep is only scanned (its structure is checked);
/// - the first of two equal keys wins; one trailing comma is allowed before `]` or `}`;
/// - a number is a `-` or a digit followed by digits, `.`, `e`, `E`, `+` and `-` (no field kept is a number);
/// - nesting deeper than 512 objects and arrays fails (the scan keeps no stack of its own beyond a counter);
/// - input that is not UTF-8 (UTF-16 or UTF-32, which the engine never sends) goes to `JSONDecoder` itself.
public enum VolumeListDecoder {
    /// Why an answer could not be read, and where.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The byte offset where reading stopped.
        public var offset: Int
        /// What was wrong there.
        public var reason: String

        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// The deepest nesting of objects and arrays read (as `JSONDecoder`).
    static let maxDepth = 512

    /// The volumes of a `GET /volumes` answer (`Volumes: null` or no `Volumes` key: none).
    public static func decode(_ data: Data) throws -> [Volume] {
        try data.withUnsafeBytes { try decode(bytes: $0) }
    }

    /// The volumes of a `GET /volumes` answer, read where its bytes lie (the buffer the HTTP client read them into:
    /// a copy of 2 MB at 10,000 volumes comes before the first name otherwise).
    public static func decode(bytes raw: UnsafeRawBufferPointer) throws -> [Volume] {
        if isPossiblyWideEncoding(raw) {
            struct List: Decodable { var Volumes: [Volume]? }
            return try JSONDecoder().decode(List.self, from: Data(raw)).Volumes ?? []
        }
        var reader = Reader(raw.bindMemory(to: UInt8.self))
        return try reader.volumeList()
    }

    /// Whether the bytes may be UTF-16 or UTF-32 (a byte-order mark or a NUL in the first four bytes): JSON text in
    /// UTF-8 starts with ASCII and never holds a NUL byte outside a string.
    static func isPossiblyWideEncoding(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let head = bytes.prefix(4)
        if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) { return true }
        return head.contains(0)
    }
}

/// The keys of a volume object that voltop keeps.
private enum VolumeKey: Int, CaseIterable {
    case name, driver, mountpoint, labels, options, scope, createdAt

    var bit: UInt8 { 1 << UInt8(rawValue) }

    /// The key spelled by `raw`, or nil (compared by length, then bytes: no allocation per key).
    static func matching(_ raw: UnsafeBufferPointer<UInt8>) -> VolumeKey? {
        func equal(_ word: StaticString) -> Bool {
            raw.count == word.utf8CodeUnitCount && memcmp(raw.baseAddress!, word.utf8Start, raw.count) == 0
        }
        switch raw.count {
        case 4: return equal("Name") ? .name : nil
        case 5: return equal("Scope") ? .scope : nil
        case 6: return equal("Driver") ? .driver : equal("Labels") ? .labels : nil
        case 7: return equal("Options") ? .options : nil
        case 9: return equal("CreatedAt") ? .createdAt : nil
        case 10: return equal("Mountpoint") ? .mountpoint : nil
        default: return nil
        }
    }
}

private let volumesKey = Array("Volumes".utf8)

/// A cursor over the answer's bytes.
private struct Reader {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        b = bytes
        // A UTF-8 byte-order mark is skipped, as JSONDecoder does.
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
    }

    func failure(_ reason: String) -> VolumeListDecoder.Failure { VolumeListDecoder.Failure(offset: i, reason: reason) }

    var peek: UInt8? { i < b.count ? b[i] : nil }

    mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard i < b.count, b[i] == byte else { throw failure("expected \(what)") }
        i += 1
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= VolumeListDecoder.maxDepth else { throw failure("nested too deeply") }
    }

    // MARK: The answer

    mutating func volumeList() throws -> [Volume] {
        skipWhitespace()
        try expect(UInt8(ascii: "{"), "an object")
        try enter()
        var volumes: [Volume]?
        var isVolumesSeen = false
        var more = try firstMember()
        while more {
            let isVolumes = try keyMatches(volumesKey)
            try colon()
            if isVolumes && !isVolumesSeen {
                isVolumesSeen = true
                volumes = try volumeArray()
            } else {
                try skipValue()
            }
            more = try nextMember()
        }
        skipWhitespace()
        guard i == b.count else { throw failure("unexpected text after the answer") }
        return volumes ?? []
    }

    /// `[Volume]` or null.
    mutating func volumeArray() throws -> [Volume]? {
        if try readNull() { return nil }
        try expect(UInt8(ascii: "["), "a list of volumes")
        try enter()
        var volumes: [Volume] = []
        // Room for the list at once, guessed from its bytes (a volume of Docker's takes 170 bytes or more): growing
        // by doubling copied it four more times at 10,000 volumes, each time into fresh pages. A guess too high only
        // reserves address space (a block this large is mapped, its pages taken when written).
        volumes.reserveCapacity(min((b.count - i) / 160, 1 << 20))
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return volumes
        }
        while true {
            skipWhitespace()
            volumes.append(try volume())
            skipWhitespace()
            guard let c = peek else { throw failure("unterminated list") }
            if c == UInt8(ascii: ",") {
                i += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") { break }
                continue
            }
            if c == UInt8(ascii: "]") { break }
            throw failure("expected , or ]")
        }
        i += 1
        depth -= 1
        return volumes
    }

    mutating func volume() throws -> Volume {
        if peek == UInt8(ascii: "n") { throw failure("a volume is null") }
        try expect(UInt8(ascii: "{"), "a volume object")
        try enter()
        // One bit per key read (the first of two equal keys wins).
        var seen: UInt8 = 0
        var name: String?
        var driver: String?
        var mountpoint: String?
        var labels: [String: String]?
        var options: [String: String]?
        var scope: String?
        var createdAt: String?
        var more = try firstMember()
        while more {
            let key = try volumeKey()
            try colon()
            if let key, seen & key.bit == 0 {
                seen |= key.bit
                switch key {
                case .name: name = try optionalString()
                case .driver: driver = try optionalString()
                case .mountpoint: mountpoint = try optionalString()
                case .labels: labels = try optionalStringMap()
                case .options: options = try optionalStringMap()
                case .scope: scope = try optionalString()
                case .createdAt: createdAt = try optionalString()
                }
            } else {
                try skipValue()
            }
            more = try nextMember()
        }
        guard let name else { throw failure(seen & VolumeKey.name.bit != 0 ? "a volume's Name is null" : "a volume has no Name") }
        return Volume(
            name: name, driver: driver ?? "", mountpoint: mountpoint ?? "", labels: labels ?? [:], options: options ?? [:],
            scope: scope ?? "local", createdAt: createdAt)
    }

    /// `{String: String}` or null.
    mutating func optionalStringMap() throws -> [String: String]? {
        if try readNull() { return nil }
        try expect(UInt8(ascii: "{"), "an object of strings")
        try enter()
        var map: [String: String] = [:]
        var more = try firstMember()
        while more {
            let key = try string()
            try colon()
            if map[key] == nil {
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a string") }
                i += 1
                map[key] = try string()
            } else {
                try skipValue()
            }
            more = try nextMember()
        }
        return map
    }

    /// A string or null (any other value fails).
    mutating func optionalString() throws -> String? {
        if try readNull() { return nil }
        try expect(UInt8(ascii: "\""), "a string")
        return try string()
    }

    mutating func readNull() throws -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    // MARK: Objects

    /// After `{`: whether a member follows (its key's opening quote read), or the object ended.
    mutating func firstMember() throws -> Bool {
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return false
        }
        try expect(UInt8(ascii: "\""), "a key")
        return true
    }

    /// After a member's value: whether another member follows (its key's opening quote read), or the object ended.
    mutating func nextMember() throws -> Bool {
        skipWhitespace()
        guard let c = peek else { throw failure("unterminated object") }
        if c == UInt8(ascii: ",") {
            i += 1
            skipWhitespace()
            if peek != UInt8(ascii: "}") {
                try expect(UInt8(ascii: "\""), "a key")
                return true
            }
        } else if c != UInt8(ascii: "}") {
            throw failure("expected , or }")
        }
        i += 1
        depth -= 1
        return false
    }

    mutating func colon() throws {
        skipWhitespace()
        try expect(UInt8(ascii: ":"), ":")
        skipWhitespace()
    }

    /// Reads a key (after its opening quote) and says whether it is `expected`.
    mutating func keyMatches(_ expected: [UInt8]) throws -> Bool {
        if let raw = plainASCIIKey() { return raw.elementsEqual(expected) }
        return Array(try string().utf8) == expected
    }

    /// Reads a key of a volume object (after its opening quote): one voltop keeps, or nil.
    mutating func volumeKey() throws -> VolumeKey? {
        if let raw = plainASCIIKey() { return VolumeKey.matching(UnsafeBufferPointer(rebasing: raw)) }
        let bytes = Array(try string().utf8)
        return bytes.withUnsafeBufferPointer { VolumeKey.matching($0) }
    }

    /// A key of printable ASCII without escapes, read with its closing quote; else nil and nothing read.
    mutating func plainASCIIKey() -> UnsafeBufferPointer<UInt8>.SubSequence? {
        var j = i
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: "\"") {
                let key = b[i..<j]
                i = j + 1
                return key
            }
            guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\\") else { return nil }
            j += 1
        }
        return nil
    }

    // MARK: Strings

    /// A string kept (after its opening quote): UTF-8 checked, escapes decoded, raw control characters refused.
    mutating func string() throws -> String {
        let start = i
        var isASCII = true
        skipPlainASCII()
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: b[start..<i])
                i += 1
                if isASCII { return String(decoding: run, as: UTF8.self) }
                guard let text = String(validating: run, as: UTF8.self) else { throw failure("a string is not UTF-8") }
                return text
            }
            if c == UInt8(ascii: "\\") { break }
            guard c >= 0x20 else { throw failure("a control character in a string") }
            if c >= 0x80 { isASCII = false }
            i += 1
        }
        guard i < b.count else { throw failure("unterminated string") }
        // Escapes: decoded into a buffer, then checked as a whole (an escape always makes whole characters, so a
        // broken raw sequence stays broken next to one).
        var out = [UInt8](b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw failure("a string is not UTF-8") }
                return text
            }
            guard c >= 0x20 else { throw failure("a control character in a string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try hex4()
                var scalar: Unicode.Scalar?
                if unit >= 0xD800 && unit < 0xDC00 {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw failure("a lone surrogate escape")
                    }
                    i += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw failure("a lone surrogate escape") }
                    scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                } else {
                    scalar = Unicode.Scalar(unit)
                }
                guard let scalar else { throw failure("a lone surrogate escape") }
                UTF8.encode(scalar) { out.append($0) }
            default:
                throw failure("an invalid escape in a string")
            }
        }
        throw failure("unterminated string")
    }

    /// Moves past whole runs of 8 bytes that are printable ASCII other than `"` and `\\` (word at a time: names and
    /// paths are most of the answer's bytes). Stops before the 8 bytes that hold anything else; the byte loop reads
    /// those.
    mutating func skipPlainASCII() {
        guard let base = b.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= b.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, a byte with its high bit set, a quote or a backslash, in any of the 8 bytes.
            let below = (word &- ones &* 0x20) & ~word & highs
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let zeroQuote = (quote &- ones) & ~quote & highs
            let zeroBackslash = (backslash &- ones) & ~backslash & highs
            guard (below | (word & highs) | zeroQuote | zeroBackslash) == 0 else { return }
            i += 8
        }
    }

    mutating func hex4() throws -> UInt16 {
        guard i + 4 <= b.count else { throw failure("a short \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw failure("an invalid \\u escape")
            }
            v = v << 4 | UInt16(d)
            i += 1
        }
        return v
    }

    // MARK: Values not kept

    /// Scans a string not kept (after its opening quote): only its end is found, as JSONDecoder does.
    mutating func skipString() throws {
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return
            }
            i += c == UInt8(ascii: "\\") ? 2 : 1
        }
        throw failure("unterminated string")
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { throw failure("unexpected end") }
        let p = word.utf8Start
        for k in 0..<n where b[i + k] != p[k] { throw failure("an invalid literal") }
        i += n
    }

    /// Scans any value (objects and arrays without recursion: nesting only moves `depth`).
    mutating func skipValue() throws {
        // The containers this scan opened, innermost last: true for an object.
        var isObject: [Bool] = []
        while true {
            // A value.
            skipWhitespace()
            guard let c = peek else { throw failure("unexpected end") }
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                try skipString()
            case UInt8(ascii: "{"):
                i += 1
                try enter()
                skipWhitespace()
                if peek == UInt8(ascii: "}") {
                    i += 1
                    depth -= 1
                } else {
                    try expect(UInt8(ascii: "\""), "a key")
                    try skipString()
                    try colon()
                    isObject.append(true)
                    continue
                }
            case UInt8(ascii: "["):
                i += 1
                try enter()
                skipWhitespace()
                if peek == UInt8(ascii: "]") {
                    i += 1
                    depth -= 1
                } else {
                    isObject.append(false)
                    continue
                }
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                // As JSONDecoder scans a number it does not read: a run of number characters.
                i += 1
                while i < b.count, Self.isNumberByte(b[i]) { i += 1 }
            default:
                throw failure("expected a value")
            }
            // After a value: close containers until another value is due.
            var isValueDue = false
            while let object = isObject.last {
                skipWhitespace()
                guard let d = peek else { throw failure("unexpected end") }
                if d == UInt8(ascii: ",") {
                    i += 1
                    skipWhitespace()
                    let closer = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if peek == closer {
                        i += 1
                        depth -= 1
                        isObject.removeLast()
                        continue
                    }
                    if object {
                        try expect(UInt8(ascii: "\""), "a key")
                        try skipString()
                        try colon()
                    }
                    isValueDue = true
                    break
                }
                guard d == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw failure("expected , or a closing bracket") }
                i += 1
                depth -= 1
                isObject.removeLast()
            }
            if !isValueDue { return }
        }
    }

    static func isNumberByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"),
            UInt8(ascii: "-"):
            return true
        default: return false
        }
    }
}
