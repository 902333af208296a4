#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// Where an export goes: standard output, or a temporary file renamed to its name when complete.
public final class ArchiveSink: @unchecked Sendable {
    private let fd: Int32
    private let path: String?
    private let temporary: String?
    private let gzip: GzipStream?
    private var isClosed = false

    /// A sink writing to standard output (nil) or to `path` (gzip when it ends in .tar.gz or .tgz).
    public init(path: String?) throws {
        guard let path else {
            fd = STDOUT_FILENO
            self.path = nil
            temporary = nil
            gzip = nil
            return
        }
        let lower = path.lowercased()
        gzip = lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") ? try GzipStream(.compress) : nil
        let url = URL(fileURLWithPath: path)
        var template = Array((url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".voltop-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else {
            throw EngineError(
                .invalidArgument,
                "cannot write \(Sanitizer.inline(path)): \(String(cString: strerror(errno))). Pick a writable directory")
        }
        self.fd = fd
        self.path = path
        temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes bytes of the tar stream (compressed on the way for gzip).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let gzip {
            try gzip.feed(bytes) { try writeAll($0) }
        } else {
            try writeAll(bytes)
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let code = errno
                let target = path.map(Sanitizer.inline) ?? "standard output"
                throw EngineError(.invalidArgument, "writing the archive to \(target) failed: \(String(cString: strerror(code)))")
            }
            offset += n
        }
    }

    /// Ends the archive: the gzip trailer, then (for a file) sync and rename to its name.
    public func finish() throws {
        if let gzip { try gzip.finish { try writeAll($0) } }
        guard let path, let temporary else { return }
        guard fsync(fd) == 0 else {
            let code = errno
            discard()
            throw EngineError(.invalidArgument, "writing \(Sanitizer.inline(path)) failed: \(String(cString: strerror(code)))")
        }
        close(fd)
        isClosed = true
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw EngineError(.invalidArgument, "could not name the archive \(Sanitizer.inline(path)): \(String(cString: strerror(code)))")
        }
    }

    /// Removes the temporary file (a failed or interrupted export).
    public func discard() {
        guard let temporary, !isClosed else { return }
        close(fd)
        isClosed = true
        unlink(temporary)
    }
}
