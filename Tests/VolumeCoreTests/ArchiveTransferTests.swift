import Foundation
import Testing

@testable import VolumeCore

private typealias E = ArchiveTransferTests

/// The pure parts of export and import: the entry check, gzip, the archive file, and the writing helper's marks.
@Suite struct ArchiveTransferTests {
    static func entry(_ name: String, _ typeflag: UInt8 = 0x30, link: String = "", size: Int64 = 0) -> TarEntry {
        TarEntry(typeflag: typeflag, name: Array(name.utf8), linkName: Array(link.utf8), size: size, mtime: 0, mode: 0o644)
    }

    /// One refused entry refuses the archive; these are the ones that could land outside the volume.
    @Test(arguments: [
        ([E.entry("/etc/passwd")], "absolute"),
        ([E.entry("./../x")], ".."),
        ([E.entry("a/../../x")], ".."),
        ([E.entry("./a/", 0x35), E.entry("./a/..", 0x35)], ".."),
        ([E.entry("./l", 0x32, link: "/etc")], "absolute path"),
        ([E.entry("./l", 0x32, link: "..")], "outside"),
        ([E.entry("./d/l", 0x32, link: "../../x")], "outside"),
        ([E.entry("./h", 0x31, link: "../x")], ".."),
        ([E.entry("./h", 0x31, link: "/etc/shadow")], "absolute"),
        ([E.entry("./l", 0x32, link: "d"), E.entry("./l/x")], "below the symbolic link"),
        ([E.entry("./dev", 0x33)], "device"),
        ([E.entry("./", 0x30)], "top directory")
    ])
    func refusesEntriesThatCouldLandOutside(entries: [TarEntry], reason: String) throws {
        var check = ArchiveCheck()
        var refusal: EngineError?
        do {
            for entry in entries { try check.check(entry) }
        } catch let error as EngineError {
            refusal = error
        }
        let error = try #require(refusal, "accepted \(entries.map { String(decoding: $0.name, as: UTF8.self) })")
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test func acceptsWhatAVolumeHolds() throws {
        var check = ArchiveCheck()
        let entries = [
            Self.entry("./", 0x35), Self.entry("./d/", 0x35), Self.entry("./d/f", size: 10), Self.entry("./d/l", 0x32, link: "f"),
            Self.entry("./d/up", 0x32, link: "../d/f"), Self.entry("./h", 0x31, link: "./d/f"), Self.entry("./p", 0x36),
            Self.entry("./name\nwith\u{1B}escape", size: 5), Self.entry("./d/l", 0x30, size: 1), Self.entry("./d/l/ok-now")
        ]
        for entry in entries { try check.check(entry) }
        #expect(check.entries == entries.count)
        #expect(check.fileBytes == 16)
    }

    /// Compressed in small chunks and back: the same bytes; a cut stream is an error, not a short file.
    @Test func gzipRoundTripsAndNoticesTruncation() throws {
        var bytes = [UInt8](repeating: 0, count: 300_000)
        var state: UInt32 = 12345
        for i in bytes.indices where i % 3 != 0 {
            state = state &* 1_103_515_245 &+ 12345
            bytes[i] = UInt8(truncatingIfNeeded: state >> 16)
        }
        let compress = try GzipStream(.compress)
        var compressed: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 7000) {
            try bytes[start..<min(bytes.count, start + 7000)].withUnsafeBytes { raw in
                try compress.feed(raw) { compressed.append(contentsOf: $0) }
            }
        }
        try compress.finish { compressed.append(contentsOf: $0) }
        #expect(GzipStream.isGzip(compressed))
        #expect(compressed.count < bytes.count)
        func decompress(_ input: [UInt8]) throws -> [UInt8] {
            let stream = try GzipStream(.decompress)
            var out: [UInt8] = []
            for start in stride(from: 0, to: input.count, by: 999) {
                try input[start..<min(input.count, start + 999)].withUnsafeBytes { raw in
                    try stream.feed(raw) { out.append(contentsOf: $0) }
                }
            }
            try stream.finish { _ in }
            return out
        }
        #expect(try decompress(compressed) == bytes)
        #expect(throws: EngineError.self) { try decompress(Array(compressed.dropLast(100))) }
    }

    /// An archive file is checked whole, from a plain or gzip file; a cut archive or one `..` entry refuses it.
    @Test func archiveFilesAreCheckedWhole() throws {
        let t = try ScannerScratch("archive-file")
        let good =
            ArchiveTreeTests.headerBlock(name: "./a", typeflag: 0x30, size: ArchiveTreeTests.octalSize(3)) + Array("abc".utf8)
            + [UInt8](repeating: 0, count: 509)
        let end = [UInt8](repeating: 0, count: 1024)
        let bad = ArchiveTreeTests.headerBlock(name: "../evil", typeflag: 0x30, size: ArchiveTreeTests.octalSize(0))
        func file(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws -> ArchiveFile {
            var data = bytes
            if gzip {
                let stream = try GzipStream(.compress)
                var out: [UInt8] = []
                try bytes.withUnsafeBytes { raw in try stream.feed(raw) { out.append(contentsOf: $0) } }
                try stream.finish { out.append(contentsOf: $0) }
                data = out
            }
            let path = t.path + "/" + name
            try Data(data).write(to: URL(fileURLWithPath: path))
            return try ArchiveFile(path: path)
        }
        let plain = try file("good.tar", good + end)
        #expect(!plain.isGzip)
        #expect(try plain.check() == ArchiveFile.Checked(entries: 1, fileBytes: 3, tarBytes: Int64(good.count + end.count)))
        let zipped = try file("good.tgz", good + end, gzip: true)
        #expect(zipped.isGzip)
        #expect(try zipped.check().entries == 1)
        // Read twice: the second pass sees the same bytes (the import checks, then sends).
        var first: [UInt8] = []
        try zipped.forEachTarChunk { first.append(contentsOf: $0) }
        var second: [UInt8] = []
        try zipped.forEachTarChunk { second.append(contentsOf: $0) }
        #expect(first == good + end && second == first)
        for (name, bytes) in [("cut.tar", good), ("evil.tar", good + bad + end)] {
            #expect(throws: EngineError.self, "\(name)") { try file(name, bytes).check() }
        }
        #expect(throws: EngineError.self) { try file("evil.tgz", good + bad + end, gzip: true).check() }
    }

    /// A writing helper is recognised only with every mark: the mode label, a read-write mount at /v of the
    /// labelled volume; a read-write mount elsewhere or without the label is a user's container.
    @Test func writingHelpersNeedEveryMarkToo() {
        let writer = Container(
            id: "w", names: ["/voltop-helper-1a2b3c4d"], image: "voltop-empty:latest", state: "created",
            labels: ["voltop.helper": "vol", "voltop.helper.owner": "host 123 456", "voltop.helper.mode": "write"],
            mounts: [MountPoint(type: "volume", name: "vol", destination: "/v", isReadWrite: true)], command: "/nonexistent")
        #expect(writer.isVoltopHelper && writer.isWritingHelper)
        var created = writer
        created.labels["voltop.helper.created"] = "2026-12-01T00:00:00Z"
        #expect(created.isVoltopHelper)
        var variants: [(String, Container)] = []
        var c = writer
        c.labels["voltop.helper.mode"] = nil
        variants.append(("read-write at /v without the mode label", c))
        c = writer
        c.labels["voltop.helper.mode"] = "read"
        variants.append(("another mode", c))
        c = writer
        c.mounts[0].destination = "/volume"
        variants.append(("read-write at /volume", c))
        c = writer
        c.mounts[0].destination = "/var/lib/postgresql/data"
        variants.append(("read-write elsewhere", c))
        c = writer
        c.mounts[0].isReadWrite = false
        variants.append(("read-only at /v", c))
        c = writer
        c.state = "running"
        variants.append(("started", c))
        c = writer
        c.mounts[0].name = "other"
        variants.append(("mounts another volume", c))
        var reader = writer
        reader.labels["voltop.helper.mode"] = nil
        reader.mounts = [MountPoint(type: "volume", name: "vol", destination: "/volume", isReadWrite: false)]
        #expect(reader.isVoltopHelper && !reader.isWritingHelper)
        c = reader
        c.labels["voltop.helper.created"] = "x"
        variants.append(("a reader with the created label", c))
        for (why, container) in variants {
            #expect(!container.isVoltopHelper, "\(why)")
        }
    }

    /// The progress line: bytes always; total, percent and ETA only with a total; the rate after a moment.
    @Test func progressLineSaysWhatIsKnown() {
        #expect(Format.transferProgress(verb: "exporting v", bytes: 512, total: nil, elapsed: 0.1) == "exporting v: 512 B")
        #expect(
            Format.transferProgress(verb: "exporting v", bytes: 600 << 20, total: 1 << 30, elapsed: 6)
                == "exporting v: 600.0 MiB of ~1.0 GiB (58%), 100.0 MiB/s, ETA 0:05")
        #expect(
            Format.transferProgress(verb: "importing", bytes: 2 << 30, total: 1 << 30, elapsed: 10)
                == "importing: 2.0 GiB of ~1.0 GiB (100%), 204.8 MiB/s")
        #expect(Format.transferProgress(verb: "x", bytes: 10, total: 0, elapsed: 1) == "x: 10 B, 10 B/s")
    }

    /// A local volume bound to a host directory is not cloned: its clone would write onto the same directory.
    @Test func bindVolumesAreNotCloned() {
        #expect(DockerEngine.cloneRefusal(Volume(name: "b", options: ["type": "none", "o": "bind", "device": "/srv"])) != nil)
        #expect(DockerEngine.cloneRefusal(Volume(name: "t", options: ["type": "tmpfs", "device": "tmpfs", "o": "size=1m"])) == nil)
        #expect(DockerEngine.cloneRefusal(Volume(name: "p")) == nil)
    }
}
