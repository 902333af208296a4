import Foundation
import Synchronization
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Direct previews never open anything but a regular file: not a FIFO (which would block), not a device node
/// (whose open alone can act: a watchdog reboots the host), not through a symlink, not even when one is
/// swapped in after the type check.
@Suite struct DirectReadTests {
    /// `makedev(1, 3)`, the numbers of /dev/null.
    private static let nullDevice: dev_t = (1 << 8) | 3

    private static func scratch() throws -> ScannerScratch {
        let t = try ScannerScratch("preview")
        try t.dir("root")
        let fd = open(t.full("root/file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        _ = "hello".withCString { write(fd, $0, 5) }
        close(fd)
        try t.fifo("root/fifo")
        try t.symlink(t.full("root/file"), "root/link")
        try t.dir("root/dir")
        return t
    }

    /// Runs `body` on a thread of its own; nil when it has not returned within `seconds` (it is left behind).
    private static func within<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () -> T) -> T? {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let value = body()
            box.withLock { $0 = value }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        return box.withLock { $0 }
    }

    private static func preview(_ t: ScannerScratch, _ name: String, beforeOpen: (() -> Void)? = nil) -> Result<FilePreview, EngineError>? {
        let root = t.full("root")
        nonisolated(unsafe) let hook = beforeOpen
        return within(seconds: 5) {
            Result { try DirectRead.preview(root: root, path: [Array(name.utf8)], maxBytes: 64, beforeOpen: hook) }
                .mapError { $0 as? EngineError ?? EngineError(.engineFailure, "\($0)") }
        }
    }

    @Test func readsARegularFile() throws {
        let t = try Self.scratch()
        let result = try #require(Self.preview(t, "file"))
        #expect(try result.get() == FilePreview(bytes: Array("hello".utf8), size: 5))
    }

    @Test func readsAWindowFromAnOffset() throws {
        let t = try Self.scratch()
        let root = t.full("root")
        let middle = try DirectRead.preview(root: root, path: [Array("file".utf8)], offset: 1, maxBytes: 3)
        #expect(middle == FilePreview(bytes: Array("ell".utf8), size: 5, offset: 1))
        #expect(middle.isTruncated)
        let tail = try DirectRead.preview(root: root, path: [Array("file".utf8)], offset: 3, maxBytes: 64)
        #expect(tail == FilePreview(bytes: Array("lo".utf8), size: 5, offset: 3))
        let past = try DirectRead.preview(root: root, path: [Array("file".utf8)], offset: 99, maxBytes: 64)
        #expect(past.bytes.isEmpty && past.size == 5)
    }

    @Test(arguments: [
        ("fifo", "special file"), ("link", "symbolic link"), ("dir", "is a directory")
    ])
    func refusesWhatIsNotARegularFileWithoutBlocking(name: String, says: String) throws {
        let t = try Self.scratch()
        let result = try #require(Self.preview(t, name), "the preview of \(name) returned within 5 s")
        #expect(throws: EngineError.self) { try result.get() }
        if case .failure(let error) = result {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains(says), "\(error.message)")
        }
    }

    @Test(.enabled(if: geteuid() == 0, "mknod needs root"))
    func refusesADeviceNode() throws {
        let t = try Self.scratch()
        try #require(mknod(t.full("root/null"), S_IFCHR | 0o666, Self.nullDevice) == 0, "mknod: \(String(cString: strerror(errno)))")
        let result = try #require(Self.preview(t, "null"))
        #expect(throws: EngineError.self) { try result.get() }
    }

    /// Opens of one inode, seen through inotify (an `O_PATH` descriptor is not an open).
    private final class OpenWatch {
        let fd: Int32
        init(_ path: String) throws {
            fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            try #require(fd >= 0 && inotify_add_watch(fd, path, UInt32(IN_OPEN)) >= 0)
        }
        deinit { close(fd) }

        var opens: Int {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return 0 }
            var count = 0
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let event = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self) }
                if event.mask & UInt32(IN_OPEN) != 0 { count += 1 }
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
            }
            return count
        }
    }

    /// The entry is a regular file when it is checked; a FIFO or a device node takes its name before it is
    /// opened for reading (as a container with CAP_MKNOD can do). The node must never be opened.
    @Test(.enabled(if: geteuid() == 0, "mknod needs root"), arguments: ["fifo", "device"])
    func neverOpensANodeSwappedInAfterTheCheck(kind: String) throws {
        let t = try Self.scratch()
        let node = t.full("root/node")
        if kind == "device" {
            try #require(mknod(node, S_IFCHR | 0o666, Self.nullDevice) == 0, "mknod: \(String(cString: strerror(errno)))")
        } else {
            try #require(mkfifo(node, 0o644) == 0)
        }
        let watch = try OpenWatch(node)
        let file = t.full("root/file")
        let result = try #require(Self.preview(t, "file") { rename(node, file) }, "returned within 5 s")
        #expect(watch.opens == 0, "the \(kind) swapped in after the check was opened")
        switch result {
        case .success(let preview):
            // The file that was checked is the file that was read.
            #expect(preview.bytes == Array("hello".utf8))
        case .failure(let error):
            #expect(error.code == .conflict || error.code == .invalidArgument, "\(error)")
        }
        var st = stat()
        #expect(lstat(file, &st) == 0 && st.st_mode & S_IFMT != S_IFREG, "the swap took place")
    }
}
