/// One entry of a tar stream, as its headers describe it (GNU long names and PAX records applied).
struct TarEntry: Sendable, Equatable {
    /// The typeflag byte: `0`/NUL/`7` file, `1` hard link, `2` symlink, `3` char device, `4` block device,
    /// `5` directory, `6` FIFO, `S` GNU sparse file; anything else is reported as it is.
    var typeflag: UInt8
    /// The entry's name exactly as the archive holds it (raw bytes; `./a/b`, `a/`, …).
    var name: [UInt8]
    /// The link target (symlinks: as written; hard links: the archive name of the first name).
    var linkName: [UInt8]
    /// The body length in bytes (0 for header-only types such as directories and links).
    var size: Int64
    /// Modification time in whole seconds since 1970.
    var mtime: Int64
    /// Permission and mode bits from the header.
    var mode: Int64
    /// The first bytes of the body when the reader was asked to keep them (`TarReader.captureLimit`).
    var bodyPrefix: [UInt8] = []

    /// The kind of entry this is in the scanner's terms (hard links report `.file`).
    var kind: ScanTree.Kind {
        switch typeflag {
        case 0x30, 0, 0x37, 0x53, 0x31: return .file  // '0', NUL, '7', 'S', '1'
        case 0x32: return .symlink
        case 0x33: return .characterDevice
        case 0x34: return .blockDevice
        case 0x35: return .directory
        case 0x36: return .fifo
        default: return .unknown
        }
    }

    /// Whether this is a hard link to an earlier entry of the archive.
    var isHardLink: Bool { typeflag == 0x31 }
}

/// Reads a tar stream incrementally: feed it chunks as they arrive, get entries as their headers complete.
///
/// Bodies are skipped by counting bytes (only the first `captureLimit` bytes of a regular file are kept, for
/// previews), so memory stays bounded whatever the archive's size. Understands ustar (with `prefix`), GNU
/// (`L`/`K` long names, base-256 numbers) and PAX (`x` records: `path`, `linkpath`, `size`, `mtime`; global `g`
/// records are read and ignored). The stream ends at two zero blocks; a bad header checksum is an error.
struct TarReader {
    /// Bytes of each regular file's body to keep in `TarEntry.bodyPrefix`; 0 keeps none.
    var captureLimit = 0
    /// Whether the end-of-archive marker was read.
    private(set) var isFinished = false
    /// Entries reported so far.
    private(set) var entryCount = 0

    private enum State {
        case header
        /// Skipping `remaining` bytes (body and padding).
        case skipping(remaining: Int64)
        /// Collecting a metadata body (`L`, `K`, `x`, `g`) of `size` bytes, then skipping `padding`.
        case metadata(typeflag: UInt8, size: Int, padding: Int)
        /// Keeping up to `keep` bytes of a file body, then skipping the rest (`remaining` counts body + padding).
        case capturing(entry: TarEntry, keep: Int, remaining: Int64)
    }

    private var state = State.header
    private var block: [UInt8] = []
    private var metadata: [UInt8] = []
    private var zeroBlocks = 0
    // Applies to the next entry only.
    private var longName: [UInt8]?
    private var longLink: [UInt8]?
    private var pax: [String: [UInt8]] = [:]
    // Extension headers (`L`, `K`, `x`, `g`) read since the last entry, and the bytes of their bodies.
    private var extensionHeaders = 0
    private var extensionBytes = 0

    /// Metadata bodies larger than this are refused (a broken or hostile stream).
    static let metadataLimit = 1 << 20
    /// The largest entry size accepted (2^62 bytes): larger is a corrupt stream, and would overflow the padding.
    static let sizeLimit: Int64 = 1 << 62
    /// At most this many extension headers (`L`, `K`, `x`, `g`) may precede one entry (Go's reader stops at far
    /// fewer in practice: a real archive has one or two).
    static let maxConsecutiveExtensionHeaders = 16
    /// At most this many bytes of extension bodies may precede one entry (all of them together).
    static let extensionBytesLimit = 4 << 20
    /// Times outside ±2^40 seconds (about 35,000 years) are clamped to it: later arithmetic on them cannot overflow.
    static let mtimeLimit: Int64 = 1 << 40

    init(captureLimit: Int = 0) {
        self.captureLimit = captureLimit
        block.reserveCapacity(512)
    }

    /// Consumes bytes; calls `onEntry` for every entry completed by them. Stops early once the archive has ended.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEntry: (TarEntry) throws -> Void) throws {
        var i = 0
        let n = bytes.count
        while i < n && !isFinished {
            switch state {
            case .header:
                let take = min(512 - block.count, n - i)
                block.append(contentsOf: bytes[i..<i + take])
                i += take
                if block.count == 512 {
                    try headerComplete(onEntry)
                    block.removeAll(keepingCapacity: true)
                }
            case .skipping(let remaining):
                let take = Int(min(Int64(n - i), remaining))
                i += take
                state = remaining - Int64(take) == 0 ? .header : .skipping(remaining: remaining - Int64(take))
            case .metadata(let typeflag, let size, let padding):
                let take = min(size - metadata.count, n - i)
                metadata.append(contentsOf: bytes[i..<i + take])
                i += take
                if metadata.count == size {
                    applyMetadata(typeflag)
                    state = padding > 0 ? .skipping(remaining: Int64(padding)) : .header
                }
            case .capturing(var entry, let keep, let remaining):
                let want = keep - entry.bodyPrefix.count
                let take = min(want, n - i)
                entry.bodyPrefix.append(contentsOf: bytes[i..<i + take])
                i += take
                let left = remaining - Int64(take)
                if entry.bodyPrefix.count == keep {
                    state = left > 0 ? .skipping(remaining: left) : .header
                    entryCount += 1
                    try onEntry(entry)
                } else {
                    state = .capturing(entry: entry, keep: keep, remaining: left)
                }
            }
        }
    }

    /// Convenience for tests: feeds an array.
    mutating func feed(_ bytes: [UInt8], _ onEntry: (TarEntry) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, onEntry) }
    }

    private mutating func headerComplete(_ onEntry: (TarEntry) throws -> Void) throws {
        if block.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks == 2 { isFinished = true }
            return
        }
        zeroBlocks = 0
        guard Self.checksumMatches(block) else {
            throw EngineError(
                .malformedResponse, "the engine's archive stream is not a valid tar stream (a header checksum does not match)")
        }
        let typeflag = block[156]
        let size = try Self.number(block[124..<136], field: "size")
        guard size >= 0, size <= Self.sizeLimit else {
            throw EngineError(.malformedResponse, "the engine's archive stream has an entry size of \(size) bytes, which no file can have")
        }
        let padded = (size + 511) / 512 * 512
        switch typeflag {
        case 0x4C, 0x4B, 0x78, 0x67:  // 'L', 'K', 'x', 'g'
            guard size <= Self.metadataLimit else {
                throw EngineError(
                    .malformedResponse, "the engine's archive stream has a metadata record of \(size) bytes, more than voltop accepts")
            }
            extensionHeaders += 1
            extensionBytes += Int(size)
            guard extensionHeaders <= Self.maxConsecutiveExtensionHeaders, extensionBytes <= Self.extensionBytesLimit else {
                throw EngineError(
                    .malformedResponse,
                    "the engine's archive stream has more than \(Self.maxConsecutiveExtensionHeaders) extension headers "
                        + "(or \(Self.extensionBytesLimit >> 20) MiB of them) before one entry: it is not a tar stream voltop can read")
            }
            metadata.removeAll(keepingCapacity: true)
            if size == 0 {
                applyMetadata(typeflag)
            } else {
                state = .metadata(typeflag: typeflag, size: Int(size), padding: Int(padded - size))
            }
            return
        default:
            break
        }
        let magic = Array(block[257..<263])
        let isUstar = magic == Array("ustar".utf8) + [0]
        var name = longName ?? Self.string(block[0..<100])
        if longName == nil, isUstar {
            let prefix = Self.string(block[345..<500])
            if !prefix.isEmpty { name = prefix + [0x2F] + name }
        }
        var entry = TarEntry(
            typeflag: typeflag, name: name, linkName: longLink ?? Self.string(block[157..<257]), size: size,
            mtime: try Self.number(block[136..<148], field: "mtime"), mode: try Self.number(block[100..<108], field: "mode"))
        if let path = pax["path"] { entry.name = path }
        if let link = pax["linkpath"] { entry.linkName = link }
        if let raw = pax["size"], let value = Int64(String(decoding: raw, as: UTF8.self)), value >= 0, value <= Self.sizeLimit {
            entry.size = value
        }
        if let raw = pax["mtime"], let value = Self.paxSeconds(raw) { entry.mtime = value }
        entry.mtime = min(max(entry.mtime, -Self.mtimeLimit), Self.mtimeLimit)
        longName = nil
        longLink = nil
        pax.removeAll()
        extensionHeaders = 0
        extensionBytes = 0
        // Header-only types carry no body whatever their size field says (as Go's reader treats them).
        let headerOnly: Set<UInt8> = [0x31, 0x32, 0x33, 0x34, 0x35, 0x36]
        let bodySize: Int64 = headerOnly.contains(typeflag) ? 0 : entry.size
        let bodyPadded = (bodySize + 511) / 512 * 512
        if captureLimit > 0, entry.kind == .file, !entry.isHardLink, bodySize > 0 {
            state = .capturing(entry: entry, keep: Int(min(Int64(captureLimit), bodySize)), remaining: bodyPadded)
            return
        }
        if bodyPadded > 0 { state = .skipping(remaining: bodyPadded) }
        entryCount += 1
        try onEntry(entry)
    }

    private mutating func applyMetadata(_ typeflag: UInt8) {
        switch typeflag {
        case 0x4C: longName = Self.string(metadata[...])
        case 0x4B: longLink = Self.string(metadata[...])
        case 0x78: pax.merge(Self.paxRecords(metadata), uniquingKeysWith: { $1 })
        default: break  // 'g': global records change nothing voltop reads
        }
        metadata.removeAll(keepingCapacity: true)
    }

    // MARK: Fields

    /// A NUL-terminated field as bytes.
    static func string(_ field: ArraySlice<UInt8>) -> [UInt8] {
        if let end = field.firstIndex(of: 0) { return Array(field[..<end]) }
        return Array(field)
    }

    /// A numeric field: octal text (spaces and NULs around it ignored) or GNU base-256 (high bit set).
    static func number(_ field: ArraySlice<UInt8>, field name: String) throws -> Int64 {
        guard let first = field.first else { return 0 }
        if first & 0x80 != 0 {
            // Base-256, two's complement; 0xFF first means negative.
            var value: Int64 = first & 0x40 != 0 ? -1 : 0
            value = (value << 6) | Int64(first & 0x3F)
            for byte in field.dropFirst() {
                guard value >> 55 == 0 || value >> 55 == -1 else {
                    throw EngineError(.malformedResponse, "the engine's archive stream has a \(name) field too large to read")
                }
                value = (value << 8) | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in field {
            if byte == 0x20 || byte == 0 {
                if seenDigit { break }
                continue
            }
            guard (0x30...0x37).contains(byte), value < (Int64.max >> 3) else {
                throw EngineError(.malformedResponse, "the engine's archive stream has an unreadable \(name) field")
            }
            value = value << 3 | Int64(byte - 0x30)
            seenDigit = true
        }
        return value
    }

    /// Whether the header's checksum (unsigned sum with the checksum field as spaces; signed accepted too) matches.
    static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = try? number(header[148..<156], field: "checksum") else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, byte) in header.enumerated() {
            let b = (148..<156).contains(i) ? 0x20 : byte
            unsigned += Int64(b)
            signed += Int64(Int8(bitPattern: b))
        }
        return stored == unsigned || stored == signed
    }

    /// PAX records: `LEN key=value\n`, LEN counting the whole record.
    static func paxRecords(_ body: [UInt8]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        var i = 0
        while i < body.count {
            guard let space = body[i...].firstIndex(of: 0x20),
                let length = Int(String(decoding: body[i..<space], as: UTF8.self)), length > 0,
                length <= body.count - i, length > space + 1 - i
            else { break }
            let record = body[(space + 1)..<(i + length)]
            if let equals = record.firstIndex(of: 0x3D) {
                var value = Array(record[(equals + 1)...])
                if value.last == 0x0A { value.removeLast() }
                out[String(decoding: record[..<equals], as: UTF8.self)] = value
            }
            i += length
        }
        return out
    }

    /// PAX `mtime` (`1700000000.123456789`, possibly negative) as whole seconds, rounded down.
    static func paxSeconds(_ raw: [UInt8]) -> Int64? {
        let text = String(decoding: raw, as: UTF8.self)
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        if text.hasPrefix("-"), parts.count == 2, parts[1].contains(where: { $0 != "0" }) { return whole.saturatingSubtract(1) }
        return whole
    }

    // MARK: Writing (the empty image only)

    /// A tar holding one empty directory entry `./` and the end marker: the rootfs of `voltop-empty`.
    static func emptyDirectoryArchive(mtime: Int64 = 0) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (k, byte) in text.utf8.enumerated() { header[offset + k] = byte }
        }
        func octal(_ value: Int64, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put("./", at: 0)
        put(octal(0o755, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(0, width: 12), at: 124)
        put(octal(mtime, width: 12), at: 136)
        header[156] = 0x35  // '5': directory
        put("ustar", at: 257)
        put("00", at: 263)
        put("        ", at: 148)
        let sum = header.reduce(0) { $0 + Int64($1) }
        put(octal(sum, width: 7), at: 148)
        header[154] = 0
        header[155] = 0x20
        return header + [UInt8](repeating: 0, count: 1024)
    }
}
