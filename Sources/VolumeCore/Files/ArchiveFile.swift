import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// An archive to import: a tar file (plain or gzip) that can be read from its start more than once: once to check
/// every entry, once to send it. Standard input that is not a regular file is first copied to an unlinked
/// temporary file (in `$TMPDIR`, default `/tmp`), so a pipe can be checked before anything is written.
public final class ArchiveFile: @unchecked Sendable {
    /// The descriptor read with `pread` (so every pass starts at offset 0, whoever else reads it).
    let fd: Int32
    private let ownsDescriptor: Bool
    /// Whether the file is gzip (by its first two bytes, not its name).
    public let isGzip: Bool
    /// The file's length in bytes (compressed, for gzip).
    public let length: Int64
    /// What the file is, for messages: its path, or "standard input".
    public let shownName: String

    static let chunkSize = 1 << 20

    /// Opens a file, or standard input for nil or `-` (copied to a temporary file first when it is a pipe).
    public init(path: String?) throws {
        if let path, path != "-" {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let code = errno
                throw EngineError(
                    code == ENOENT ? .notFound : .invalidArgument,
                    "cannot open \(Sanitizer.inline(path)): \(String(cString: strerror(code))). Give an existing tar file with -i FILE")
            }
            self.fd = fd
            ownsDescriptor = true
            shownName = path
        } else {
            var info = stat()
            if fstat(STDIN_FILENO, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                fd = STDIN_FILENO
                ownsDescriptor = false
            } else {
                fd = try Self.spool(STDIN_FILENO)
                ownsDescriptor = true
            }
            shownName = "standard input"
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let name = shownName
            if ownsDescriptor { close(fd) }
            throw EngineError(.invalidArgument, "\(Sanitizer.inline(name)) is not a regular file: give a tar file")
        }
        length = Int64(info.st_size)
        var magic = [UInt8](repeating: 0, count: 2)
        let n = pread(fd, &magic, 2, 0)
        isGzip = n == 2 && GzipStream.isGzip(magic)
    }

    /// An archive from an open descriptor of a regular file (taken over: closed with this value).
    public init(descriptor: Int32, shownName: String) throws {
        fd = descriptor
        ownsDescriptor = true
        self.shownName = shownName
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw EngineError(.invalidArgument, "\(Sanitizer.inline(shownName)) is not a regular file")
        }
        length = Int64(info.st_size)
        var magic = [UInt8](repeating: 0, count: 2)
        isGzip = pread(fd, &magic, 2, 0) == 2 && GzipStream.isGzip(magic)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Copies a stream to an unlinked temporary file and returns its descriptor.
    static func spool(_ source: Int32) throws -> Int32 {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/voltop-import-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else {
            throw EngineError(
                .invalidArgument,
                "cannot make a temporary file in \(Sanitizer.inline(directory)) to hold standard input: \(String(cString: strerror(errno))). "
                    + "Set TMPDIR to a writable directory, or give the archive with -i FILE")
        }
        template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = read(source, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                let code = errno
                close(fd)
                throw EngineError(.invalidArgument, "reading standard input failed: \(String(cString: strerror(code)))")
            }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { raw in raw.baseAddress.map { write(fd, $0 + offset, n - offset) } ?? -1 }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else {
                    let code = errno
                    close(fd)
                    throw EngineError(
                        .invalidArgument,
                        "holding standard input in \(Sanitizer.inline(directory)) failed: \(String(cString: strerror(code))). "
                            + "Free space there, set TMPDIR elsewhere, or give the archive with -i FILE")
                }
                offset += w
            }
        }
        return fd
    }

    /// Reads the tar bytes (decompressed when gzip) from the start, one chunk at a time; `body` sees each chunk.
    ///
    /// Returns the number of file bytes read (compressed, for gzip).
    @discardableResult
    func forEachTarChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        var reader = chunkReader()
        while let chunk = try reader.next() {
            try chunk.withUnsafeReadableBytes { try body($0) }
        }
        return reader.offset
    }

    /// A reader of the tar bytes from the start.
    func chunkReader() -> ChunkReader { ChunkReader(file: self) }

    /// Reads the tar bytes chunk by chunk (decompressing gzip), from offset 0.
    struct ChunkReader {
        let file: ArchiveFile
        var offset: Int64 = 0
        private var gzip: GzipStream?
        private var isDone = false
        private var buffer = [UInt8](repeating: 0, count: ArchiveFile.chunkSize)

        init(file: ArchiveFile) { self.file = file }

        /// The next chunk of tar bytes, nil at the end.
        mutating func next() throws -> ByteBuffer? {
            while !isDone {
                let fd = file.fd
                let at = offset
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else {
                    throw EngineError(
                        .invalidArgument, "reading \(Sanitizer.inline(file.shownName)) failed: \(String(cString: strerror(errno)))")
                }
                offset += Int64(n)
                guard file.isGzip else {
                    if n == 0 {
                        isDone = true
                        return nil
                    }
                    return ByteBuffer(bytes: buffer[0..<n])
                }
                if gzip == nil { gzip = try GzipStream(.decompress) }
                guard let gzip else { return nil }
                var out = ByteBuffer()
                if n == 0 {
                    isDone = true
                    try gzip.finish { out.writeBytes($0) }
                } else {
                    try buffer.withUnsafeBytes { raw in
                        try gzip.feed(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { out.writeBytes($0) }
                    }
                }
                if out.readableBytes > 0 { return out }
            }
            return nil
        }
    }

    /// What checking the archive found: entries and the tar stream's length.
    public struct Checked: Sendable, Equatable {
        /// Entries in the archive.
        public var entries: Int
        /// Bytes of file contents.
        public var fileBytes: Int64
        /// Bytes of the tar stream (decompressed).
        public var tarBytes: Int64
    }

    /// Reads the whole archive and checks every entry (`ArchiveCheck`); throws the first refusal.
    public func check() throws -> Checked {
        var reader = TarReader()
        var check = ArchiveCheck()
        var tarBytes: Int64 = 0
        do {
            try forEachTarChunk { chunk in
                tarBytes = tarBytes.saturatingAdd(Int64(chunk.count))
                if !reader.isFinished { try reader.feed(chunk) { try check.check($0) } }
            }
        } catch let error as EngineError where error.code == .malformedResponse {
            throw EngineError(
                .invalidArgument,
                "\(Sanitizer.inline(shownName)) is not a tar archive voltop can read: \(error.message.replacingAll("the engine's archive stream", with: "the archive"))"
            )
        }
        guard reader.isFinished else {
            throw EngineError(
                .invalidArgument,
                "\(Sanitizer.inline(shownName)) ends before the end of its tar archive (it is truncated, or not a tar file): nothing was written"
            )
        }
        return Checked(entries: check.entries, fileBytes: check.fileBytes, tarBytes: tarBytes)
    }

    /// The tar bytes as a request body, from the start; `progress` gets the running count of file bytes read.
    func body(progress: (@Sendable (Int64) -> Void)?) -> Body { Body(file: self, progress: progress) }

    /// The tar bytes as an async sequence of chunks (for a streamed request body).
    struct Body: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let file: ArchiveFile
        let progress: (@Sendable (Int64) -> Void)?

        struct AsyncIterator: AsyncIteratorProtocol {
            var reader: ChunkReader
            let progress: (@Sendable (Int64) -> Void)?

            mutating func next() async throws -> ByteBuffer? {
                try Task.checkCancellation()
                let chunk = try reader.next()
                progress?(reader.offset)
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: file.chunkReader(), progress: progress) }
    }
}
