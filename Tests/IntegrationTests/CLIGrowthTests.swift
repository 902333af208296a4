import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop ls --sample`: GROWTH and WRITERS on the real engine.
@Suite(.enabled(if: TestEngine.isAvailable, "needs the private engine of scripts/test"))
struct CLIGrowthTests {
    @Test(.enabled(if: geteuid() == 0, "fanotify and direct reads need root"))
    func sampleNamesTheWriterAndItsRate() async throws {
        let volume = TestEngine.unique("cg")
        let idle = TestEngine.unique("cg-idle")
        let writer = TestEngine.unique("cg-writer")
        let reader = TestEngine.unique("cg-reader")
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker(["volume", "create", idle])
        defer {
            TestEngine.removeContainers([writer, reader])
            TestEngine.removeVolumes([volume, idle])
        }
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do head -c 524288 /dev/zero >> /v/f; usleep 100000; done"
        ])
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", reader, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do cat /v/f > /dev/null 2>&1; sleep 0.2; done"
        ])
        let mountpoint = try TestEngine.docker(["volume", "inspect", "-f", "{{.Mountpoint}}", volume]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func fileBytes() -> (Double, Date) {
            var st = stat()
            _ = stat(mountpoint + "/f", &st)
            return (Double(st.st_size), Date())
        }
        let before = fileBytes()
        let r = try CLITests.voltop(["ls", "--sort", "growth", "--sample", "3", "--json", "--filter", "name=cg-"])
        let after = fileBytes()
        #expect(r.status == 0, "\(r.err)")
        let truth = (after.0 - before.0) / after.1.timeIntervalSince(before.1)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        let mine = list.filter { [volume, idle].contains($0["name"] as? String ?? "") }
        // Fastest first.
        #expect(mine.map { $0["name"] as? String ?? "" } == [volume, idle])
        let rate = try #require(mine.first?["growthBytesPerSecond"] as? Double)
        // The sample is a little shorter than the time around the command (start-up, the catalog): generous bounds.
        #expect(rate > truth * 0.75 && rate < truth * 1.6, "sampled \(rate), true \(truth)")
        #expect(mine.first?["writers"] as? [String] == [writer])
        #expect(mine.first?["writersSeen"] as? Bool == true)
        #expect(mine.last?["growthBytesPerSecond"] as? Double == 0)

        let text = try CLITests.voltop(["ls", "--sample", "1", "--filter", "name=\(volume)"])
        #expect(text.status == 0)
        #expect(text.out.contains("GROWTH") && text.out.contains("WRITERS"))
        #expect(text.out.contains("MiB/s") || text.out.contains("KiB/s"), "\(text.out)")
        #expect(text.out.contains(writer) && !text.out.contains(reader))
    }

    /// A docker-group user (no root, so no fanotify and no direct reads): growth from the engine's figures, and the
    /// running containers that mount the volume read-write as "may write".
    @Test func asADockerGroupUserGrowthComesFromTheEngineAndWritersMayWrite() async throws {
        guard getuid() == 0, getpwnam(HelperModeTests.testUser) != nil else {
            Issue.record(
                "needs root and the user \(HelperModeTests.testUser) in the engine socket's group (scripts/lib/engine.sh makes it)")
            return
        }
        let volume = TestEngine.unique("cgu")
        let idle = TestEngine.unique("cgu-idle")
        let writer = TestEngine.unique("cgu-writer")
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker(["volume", "create", idle])
        defer {
            TestEngine.removeContainers([writer])
            TestEngine.removeVolumes([volume, idle])
        }
        try TestEngine.docker([
            "run", "-d", "--network", "none", "--name", writer, "-v", "\(volume):/v", TestEngine.image, "sh", "-c",
            "while true; do head -c 524288 /dev/zero >> /v/f; usleep 100000; done"
        ])
        let binary = try HelperModeTests.publicBinary()
        defer { _ = try? TestEngine.run("/bin/rm", ["-rf", (binary as NSString).deletingLastPathComponent]) }
        let host = try #require(TestEngine.host)
        func asUser(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            try TestEngine.run(
                "/usr/sbin/runuser", ["-u", HelperModeTests.testUser, "--", binary] + args + ["--host", host], check: false,
                environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"])
        }
        let r = try asUser(["ls", "--sort", "growth", "--sample", "3", "--json", "--filter", "name=cgu-"])
        #expect(r.status == 0, "\(r.err)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]], "\(r.out)")
        let mine = list.filter { [volume, idle].contains($0["name"] as? String ?? "") }
        #expect(mine.map { $0["name"] as? String ?? "" } == [volume, idle])
        // About 5 MB/s written; the engine's figures are taken when /system/df answers: a wide bound, but not zero.
        let rate = try #require(mine.first?["growthBytesPerSecond"] as? Double, "\(mine)")
        #expect(rate > 1_000_000, "\(rate)")
        #expect(mine.first?["writers"] as? [String] == [writer])
        #expect(mine.first?["writersSeen"] as? Bool == false)
        #expect(mine.last?["growthBytesPerSecond"] as? Double == 0)

        let text = try asUser(["ls", "--sample", "2", "--filter", "name=\(volume)"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("may write") && text.out.contains(writer), "\(text.out)")
    }

    @Test func badSamplesAreRefusedWithAFix() throws {
        let noSample = try CLITests.voltop(["ls", "--sort", "growth"])
        #expect(noSample.status == 2)
        #expect(noSample.err.contains("--sample 5"))
        for bad in ["0", "-1", "99999", "nan"] {
            let r = try CLITests.voltop(["ls", "--sample", bad])
            #expect(r.status == 2, "--sample \(bad): \(r.err)")
            #expect(!r.err.isEmpty)
        }
    }
}
