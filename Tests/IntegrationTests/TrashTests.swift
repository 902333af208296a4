import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// `voltop rm` / `prune` keep a copy in the trash; `restore` brings it back; `log` records every change.
@Suite(.serialized, .enabled(if: TestEngine.isAvailable))
struct TrashTests {
    /// A private data and state home, so the tests never touch the user's trash or log.
    struct Home {
        let data: String
        let state: String

        init(_ tag: String) throws {
            let base = try TransferTests.scratch(tag)
            data = base + "/data"
            state = base + "/state"
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        }

        func voltop(_ args: [String], _ extra: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
            var env = ProcessInfo.processInfo.environment
            env["DOCKER_HOST"] = TestEngine.host
            env["DOCKER_CONTEXT"] = nil
            env["XDG_DATA_HOME"] = data
            env["XDG_STATE_HOME"] = state
            env.merge(extra) { $1 }
            return try TestEngine.run(CLITests.binary, args, check: false, environment: env)
        }

        func json(_ args: [String]) throws -> [[String: Any]] {
            let r = try voltop(args)
            #expect(r.status == 0, "\(args): \(r.err)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]], "\(r.out)")
        }
    }

    static func labels(_ volume: String) throws -> String {
        try TestEngine.docker(["volume", "inspect", "-f", "{{json .Labels}}", volume]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// rm keeps the files and metadata; restore brings back the same files, labels and driver; the trash and log
    /// JSON have exactly the README's keys.
    @Test func removeThenRestore() throws {
        let home = try Home("trash-rm")
        let volume = TestEngine.unique("trash-rm")
        defer { TestEngine.removeVolumes([volume]) }
        try TestEngine.docker(["volume", "create", "--label", "app=trash-test", "--label", "tier=db", volume])
        try TransferTests.fill(volume)
        let before = try TransferTests.manifest(try TransferTests.mountpoint(volume))
        let labels = try Self.labels(volume)

        var r = try home.voltop(["rm", volume])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("kept 1 in the trash for 7 days"), "\(r.err)")
        #expect(!(try TestEngine.volumeNames().contains(volume)))
        let items = try home.json(["trash", "ls", "--json"])
        let item = try #require(items.first { $0["name"] as? String == volume })
        #expect(item["command"] as? String == "rm")
        #expect((item["archiveBytes"] as? Int ?? 0) > 10_000_000, "the sparse file's bytes are in the archive")
        // Global options before a local command (as the docker CLI takes them anywhere): ignored, with a note;
        // --read-only refuses a purge and leaves the item.
        r = try home.voltop(["-H", "unix:///nonexistent.sock", "--context", "x", "trash", "ls", "--json"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains(volume))
        #expect(r.err.contains("voltop trash reads this machine's own files: -H, --context ignored"), "\(r.err)")
        r = try home.voltop(["--host=unix:///nonexistent.sock", "log"])
        #expect(r.status == 0, "\(r.err)")
        r = try home.voltop(["--read-only", "trash", "purge", "--yes"])
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("--read-only refuses changes"), "\(r.err)")
        #expect(try home.json(["trash", "ls", "--json"]).contains { $0["name"] as? String == volume })
        let docs = try JSONShapeTests.documented()
        let itemDoc = try #require(docs.first { $0["archiveBytes"] != nil })
        #expect(Set(item.keys) == Set(itemDoc.keys), "trash ls --json keys differ from the README")
        // Files 0600, directories 0700.
        let id = try #require(item["id"] as? String)
        let itemDir = home.data + "/voltop/trash/" + id
        for (path, mode) in [
            (home.data + "/voltop/trash", 0o700), (itemDir, 0o700), (itemDir + "/volume.tar", 0o600), (itemDir + "/meta.json", 0o600)
        ] {
            var st = stat()
            #expect(lstat(path, &st) == 0)
            #expect(Int(st.st_mode & 0o777) == mode, "\(path): \(String(st.st_mode & 0o777, radix: 8))")
        }

        r = try home.voltop(["restore", volume])
        #expect(r.status == 0, "\(r.err)")
        #expect(try TransferTests.manifest(try TransferTests.mountpoint(volume)) == before)
        #expect(try Self.labels(volume) == labels)
        #expect(try home.json(["trash", "ls", "--json"]).isEmpty, "the restored item left the trash")

        let log = try home.json(["log", "--json"])
        let logDoc = try #require(docs.first { $0["action"] != nil && $0["result"] != nil })
        #expect(log.map { $0["action"] as? String } == ["rm", "restore"], "\(log)")
        for entry in log {
            #expect(Set(entry.keys) == Set(logDoc.keys), "log --json keys differ from the README")
            #expect(entry["result"] as? String == "ok")
        }
        #expect(try TransferTests.helpers([volume]).isEmpty)
    }

    /// prune --all --yes keeps every volume; each comes back; --as restores under a new name; an existing
    /// name is refused and left alone.
    @Test func pruneThenRestoreEachAndAs() throws {
        let home = try Home("trash-prune")
        let tag = TestEngine.unique("trash-prune")
        let volumes = (0..<3).map { "\(tag)-\($0)" }
        let renamed = tag + "-renamed"
        defer { TestEngine.removeVolumes(volumes + [renamed]) }
        var manifests: [String: [String]] = [:]
        for (i, volume) in volumes.enumerated() {
            try TestEngine.docker(["volume", "create", "--label", "voltop.trash=\(tag)", volume])
            try TestEngine.docker([
                "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c",
                "mkdir /d/sub && echo \(i) > /d/sub/n && chown 7:8 /d/sub/n && ln -s sub/n /d/link"
            ])
            manifests[volume] = try TransferTests.manifest(try TransferTests.mountpoint(volume))
        }
        var r = try home.voltop(["prune", "--all", "--yes", "--filter", "label=voltop.trash=\(tag)"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("Kept in the trash for 7 days (voltop restore NAME): 3 of 3."), "\(r.out)")
        #expect(r.out.contains("Kept 3 in the trash for 7 days"), "\(r.out)")
        let names = try TestEngine.volumeNames()
        #expect(volumes.allSatisfy { !names.contains($0) })
        for volume in volumes.dropLast() {
            r = try home.voltop(["restore", volume])
            #expect(r.status == 0, "\(r.err)")
            #expect(try TransferTests.manifest(try TransferTests.mountpoint(volume)) == manifests[volume])
        }
        // The last under a new name; its old name taken meanwhile is refused and untouched.
        let last = try #require(volumes.last)
        try TestEngine.docker(["volume", "create", "--label", "other=1", last])
        r = try home.voltop(["restore", last])
        #expect(r.status == 1)
        #expect(r.err.contains("exists") && r.err.contains("--as"), "\(r.err)")
        #expect(try Self.labels(last).contains("other"), "the existing volume was changed")
        r = try home.voltop(["restore", last, "--as", renamed])
        #expect(r.status == 0, "\(r.err)")
        let restored = try TransferTests.manifest(try TransferTests.mountpoint(renamed))
        #expect(restored == manifests[last])
        #expect(try Self.labels(renamed).contains("voltop.trash"))
        #expect(try home.json(["trash", "ls", "--json"]).isEmpty)
    }

    /// A trash on a full small tmpfs: the copy fails, the volume is NOT removed and keeps every file; the error
    /// says why; no partial item is left; the audit log records the failure.
    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func fullTrashRefusesTheRemoval() throws {
        let home = try Home("trash-full")
        let volume = TestEngine.unique("trash-full")
        defer { TestEngine.removeVolumes([volume]) }
        try TestEngine.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", home.data])
        defer { _ = try? TestEngine.run("/bin/umount", [home.data], check: false) }
        try TestEngine.docker(["volume", "create", volume])
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c",
            "head -c 3000000 /dev/urandom > /d/big && echo keep > /d/small"
        ])
        let before = try TransferTests.manifest(try TransferTests.mountpoint(volume))
        let r = try home.voltop(["rm", volume])
        #expect(r.status == 1)
        #expect(r.err.contains("was NOT removed") && r.err.contains("disk is full"), "\(r.err)")
        #expect(try TestEngine.volumeNames().contains(volume))
        #expect(try TransferTests.manifest(try TransferTests.mountpoint(volume)) == before)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: home.data + "/voltop/trash")) ?? []
        #expect(left.isEmpty, "a partial trash item was left: \(left)")
        let log = try home.json(["log", "--json"])
        #expect((log.last?["result"] as? String)?.hasPrefix("failed:") == true, "\(log)")
        #expect(try TransferTests.helpers([volume]).isEmpty)
    }

    /// Volumes over the trash's cap are announced before anything happens and removed for good.
    @Test func overTheCapIsSaidFirst() throws {
        let home = try Home("trash-cap")
        let tag = TestEngine.unique("trash-cap")
        let volume = tag + "-v"
        defer { TestEngine.removeVolumes([volume]) }
        try TestEngine.docker(["volume", "create", "--label", "voltop.cap=\(tag)", volume])
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(volume):/d", TestEngine.image, "sh", "-c", "head -c 200000 /dev/urandom > /d/f"
        ])
        let r = try home.voltop(
            ["prune", "--all", "--yes", "--filter", "label=voltop.cap=\(tag)"], ["VOLTOP_TRASH_MAX_VOLUME": "100K"])
        #expect(r.status == 0, "\(r.err)")
        let notice = try #require(r.out.range(of: "Not kept (over the trash's 100.0 KiB cap per volume)"), "\(r.out)")
        let removed = try #require(r.out.range(of: "Removed 1 volume(s)"), "\(r.out)")
        #expect(notice.lowerBound < removed.lowerBound, "the notice comes before the removal")
        #expect(try home.json(["trash", "ls", "--json"]).isEmpty)
    }
}
