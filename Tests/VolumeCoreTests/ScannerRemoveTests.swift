import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// `VolumeScanner.remove`: deletes inside the root only, by descriptor, never through a symlink.
@Suite struct ScannerRemoveTests {
    private static func bytes(_ path: String) -> [[UInt8]] { path.split(separator: "/").map { Array($0.utf8) } }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// root/ with files, a nested directory holding links that point outside; outside/ with files to protect.
    private static func tree() throws -> ScannerScratch {
        let t = try ScannerScratch("remove")
        try t.dir("outside")
        try t.file("outside/victim", size: 10)
        try t.dir("outside/dir")
        try t.file("outside/dir/keep", size: 10)
        try t.dir("root")
        try t.file("root/file", size: 10)
        try t.dir("root/tree")
        try t.dir("root/tree/sub")
        try t.file("root/tree/sub/x", size: 10)
        try t.file(bytes: Array("root/tree/".utf8) + [0xFF, 0x0A], size: 1)
        try t.symlink(t.full("outside"), "root/tree/to-outside")
        try t.symlink(t.full("outside/victim"), "root/tree/sub/to-victim")
        try t.chain(in: "root/tree", depth: 50, name: "deep", fileSize: 1)
        try t.symlink(t.full("outside"), "root/planted")
        return t
    }

    @Test func removesAFile() throws {
        let t = try Self.tree()
        try VolumeScanner.remove(relativePath: Self.bytes("file"), under: t.full("root"))
        #expect(!Self.exists(t.full("root/file")))
    }

    @Test func refusesAnEntryThatChangedKindSinceTheConfirm() throws {
        let t = try Self.tree()
        // The user confirmed "file" at root/file; meanwhile a directory tree took its place.
        try VolumeScanner.remove(relativePath: Self.bytes("planted"), under: t.full("root"))
        unlink(t.full("root/file"))
        try t.dir("root/file")
        try t.file("root/file/precious", size: 10)
        #expect(throws: EngineError.self) {
            try VolumeScanner.remove(relativePath: Self.bytes("file"), under: t.full("root"), expecting: .file)
        }
        #expect(Self.exists(t.full("root/file/precious")), "nothing is deleted when the kind changed")
        // The kind that is there now is removed when it is the one confirmed.
        try VolumeScanner.remove(relativePath: Self.bytes("file"), under: t.full("root"), expecting: .directory)
        #expect(!Self.exists(t.full("root/file")))
    }

    @Test func removesADirectoryTreeButNothingItsLinksPointTo() throws {
        let t = try Self.tree()
        try VolumeScanner.remove(relativePath: Self.bytes("tree"), under: t.full("root"))
        #expect(!Self.exists(t.full("root/tree")))
        #expect(Self.exists(t.full("outside/victim")))
        #expect(Self.exists(t.full("outside/dir/keep")))
        #expect(Self.exists(t.full("root/planted")))
    }

    @Test func removesASymlinkItselfNotItsTarget() throws {
        let t = try Self.tree()
        try VolumeScanner.remove(relativePath: Self.bytes("planted"), under: t.full("root"))
        #expect(!Self.exists(t.full("root/planted")))
        #expect(Self.exists(t.full("outside/victim")))
    }

    @Test(arguments: ["planted/victim", "planted/dir", "planted/dir/keep", "tree/to-outside/victim"])
    func refusesToGoThroughAPlantedSymlink(path: String) throws {
        let t = try Self.tree()
        #expect {
            try VolumeScanner.remove(relativePath: Self.bytes(path), under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("symbolic link") }
        #expect(Self.exists(t.full("outside/victim")))
        #expect(Self.exists(t.full("outside/dir/keep")))
    }

    @Test func refusesWhenTheRootItselfIsASymlink() throws {
        let t = try Self.tree()
        #expect {
            try VolumeScanner.remove(relativePath: Self.bytes("victim"), under: t.full("root/planted"))
        } throws: { ($0 as? EngineError)?.code == .invalidArgument }
        #expect(Self.exists(t.full("outside/victim")))
    }

    @Test(
        arguments: [[], [[]], [[0x2E]], [[0x2E, 0x2E]], [[0x2E, 0x2E], Array("outside".utf8)], [Array("a/b".utf8)], [[0x61, 0x00]]]
            as [[[UInt8]]])
    func rejectsPathsThatAreNotPlainNames(components: [[UInt8]]) throws {
        let t = try Self.tree()
        #expect {
            try VolumeScanner.remove(relativePath: components, under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .invalidArgument }
        #expect(Self.exists(t.full("root/file")))
    }

    @Test func removesNamesThatAreNotUTF8() throws {
        let t = try Self.tree()
        try VolumeScanner.remove(relativePath: [Array("tree".utf8), [0xFF, 0x0A]], under: t.full("root"))
        var st = stat()
        #expect(lstat(t.cPath(Array("root/tree/".utf8) + [0xFF, 0x0A]), &st) != 0)
        #expect(Self.exists(t.full("root/tree/sub/x")))
    }

    @Test func reportsMissingEntries() throws {
        let t = try Self.tree()
        #expect {
            try VolumeScanner.remove(relativePath: Self.bytes("nope"), under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .notFound }
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func doesNotCrossIntoAnotherFilesystem() throws {
        let t = try Self.tree()
        try t.dir("root/mnt")
        try #require(t.mountTmpfs("root/mnt"), "mount -t tmpfs failed although running as root")
        try t.file("root/mnt/data", size: 10)
        #expect {
            try VolumeScanner.remove(relativePath: Self.bytes("mnt/data"), under: t.full("root"))
        } throws: { ($0 as? EngineError)?.code == .conflict }
        #expect(Self.exists(t.full("root/mnt/data")))
    }
}
