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
