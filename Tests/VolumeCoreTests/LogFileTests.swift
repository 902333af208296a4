import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `--debug` log is opened so that root never writes through a planted link or into another user's file.
@Suite struct LogFileTests {
    private static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func append(_ fd: Int32, _ text: String) {
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    @Test func createsAPrivateDirectoryAndFileAndAppends() throws {
        let t = try ScannerScratch("log")
        let dir = t.full("state/voltop")
        Self.append(try LogFile.open(directory: dir), "one\n")
        Self.append(try LogFile.open(directory: dir), "two\n")
        #expect(Self.contents(dir + "/voltop.log") == "one\ntwo\n")
        var st = stat()
        #expect(lstat(dir, &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(lstat(dir + "/voltop.log", &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test func doesNotFollowASymlinkPlantedAtTheLogPath() throws {
        let t = try ScannerScratch("log-link")
        try t.file("target", size: 0)
        FileManager.default.createFile(atPath: t.full("target"), contents: Data("precious\n".utf8))
        try t.dir("state")
        try t.dir("state/voltop")
        try t.symlink(t.full("target"), "state/voltop/voltop.log")
        try t.symlink(t.full("absent"), "state/voltop/dangling.log")
        #expect {
            try LogFile.open(directory: t.full("state/voltop"))
        } throws: { error in
            let message = "\(error)"
            return (error as? EngineError)?.code == .conflict && message.contains("symbolic link") && message.contains("XDG_STATE_HOME")
        }
        #expect(Self.contents(t.full("target")) == "precious\n", "the link's target is unchanged")
        // A dangling link is not followed to create its target either.
        #expect(throws: EngineError.self) { try LogFile.open(directory: t.full("state/voltop"), name: "dangling.log") }
        #expect(!FileManager.default.fileExists(atPath: t.full("absent")))
    }

    @Test func doesNotFollowASymlinkedLogDirectory() throws {
        let t = try ScannerScratch("log-dir-link")
        try t.dir("elsewhere")
        try t.dir("state")
        try t.symlink(t.full("elsewhere"), "state/voltop")
        #expect {
            try LogFile.open(directory: t.full("state/voltop"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("symbolic link") }
        #expect(!FileManager.default.fileExists(atPath: t.full("elsewhere/voltop.log")))
    }

    @Test func refusesAFifoAtTheLogPathWithoutBlocking() throws {
        let t = try ScannerScratch("log-fifo")
        try t.dir("voltop")
        try t.fifo("voltop/voltop.log")
        #expect {
            try LogFile.open(directory: t.full("voltop"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("not a regular file") }
    }

    @Test func refusesAHardLinkToAnotherFile() throws {
        let t = try ScannerScratch("log-hardlink")
        FileManager.default.createFile(atPath: t.full("precious"), contents: Data("keep\n".utf8))
        try t.dir("voltop")
        try t.hardlink("precious", "voltop/voltop.log")
        #expect {
            try LogFile.open(directory: t.full("voltop"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("hard links") }
        #expect(Self.contents(t.full("precious")) == "keep\n")
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func refusesALogFileOfAnotherUser() throws {
        let t = try ScannerScratch("log-owner")
        try t.dir("voltop")
        FileManager.default.createFile(atPath: t.full("voltop/voltop.log"), contents: Data())
        try #require(chown(t.full("voltop/voltop.log"), 65534, 65534) == 0)
        #expect {
            try LogFile.open(directory: t.full("voltop"))
        } throws: { ($0 as? EngineError)?.code == .conflict && "\($0)".contains("belongs to uid 65534") }
    }
}
