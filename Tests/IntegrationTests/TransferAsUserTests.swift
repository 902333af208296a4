import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Export, import, clone, the trash and the audit log as a docker-group user (no root: everything goes through the
/// engine's helper containers and archive API), checked file by file on the engine's disk as root.
@Suite(.serialized, .enabled(if: TestEngine.isAvailable))
struct TransferAsUserTests {
    @Test func everyTransferAndTheTrashWorkWithoutRoot() throws {
        guard getuid() == 0, let user = getpwnam(HelperModeTests.testUser) else {
            Issue.record(
                "needs root and the user \(HelperModeTests.testUser) in the engine socket's group (scripts/test and scripts/lib/engine.sh make them)"
            )
            return
        }
        let (uid, gid) = (user.pointee.pw_uid, user.pointee.pw_gid)
        let binary = try HelperModeTests.publicBinary()
        // The user's own home for archives, the trash and the log.
        var template = Array("/tmp/voltop-user-XXXXXX".utf8CString)
        let home = String(cString: try #require(mkdtemp(&template)))
        #expect(chown(home, uid, gid) == 0)
        defer {
            _ = try? TestEngine.run("/bin/rm", ["-rf", home, (binary as NSString).deletingLastPathComponent])
        }
        let host = try #require(TestEngine.host)
        // `trash ls` and `log` read only the user's files: they take no engine.
        func asUser(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
            let engine = ["trash", "log"].contains(args[0]) && args != ["trash", "restore"] ? [] : ["--host", host]
            return try TestEngine.run(
                "/usr/sbin/runuser", ["-u", HelperModeTests.testUser, "--", binary] + args + engine, check: false,
                environment: [
                    "PATH": "/usr/bin:/bin", "HOME": home, "XDG_DATA_HOME": home + "/data", "XDG_STATE_HOME": home + "/state"
                ])
        }
        func json(_ args: [String]) throws -> [[String: Any]] {
            let r = try asUser(args)
            #expect(r.status == 0, "\(args): \(r.err)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]], "\(r.out)")
        }

        let tag = TestEngine.unique("asuser")
        let (source, imported, cloned) = (tag + "-src", tag + "-imp", tag + "-clone")
        defer { TestEngine.removeVolumes([source, imported, cloned]) }
        try TestEngine.docker(["volume", "create", "--label", "voltop.asuser=\(tag)", source])
        try TransferTests.fill(source)
        let expected = try TransferTests.manifest(try TransferTests.mountpoint(source))
        #expect(expected.contains { $0.contains("owner=1234:5678") })

        var r = try asUser(["export", source, "-o", home + "/a.tar.gz"])
        #expect(r.status == 0, "\(r.err)")
        var st = stat()
        #expect(stat(home + "/a.tar.gz", &st) == 0 && st.st_uid == uid, "the archive belongs to the user")
        r = try asUser(["import", imported, "-i", home + "/a.tar.gz"])
        #expect(r.status == 0, "\(r.err)")
        r = try asUser(["clone", source, cloned])
        #expect(r.status == 0, "\(r.err)")
        for copy in [imported, cloned] {
            let got = try TransferTests.manifest(try TransferTests.mountpoint(copy))
            #expect(got == expected, "\(copy): \(Set(got).symmetricDifference(expected).sorted())")
        }

        // rm keeps a copy in the user's trash; restore brings back the same files and labels.
        r = try asUser(["rm", cloned])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("kept 1 in the trash"), "\(r.err)")
        #expect(!(try TestEngine.volumeNames().contains(cloned)))
        let items = try json(["trash", "ls", "--json"])
        #expect(items.map { $0["name"] as? String } == [cloned], "\(items)")
        #expect(stat(home + "/data/voltop/trash", &st) == 0 && st.st_uid == uid, "the trash belongs to the user")
        r = try asUser(["restore", cloned])
        #expect(r.status == 0, "\(r.err)")
        let restored = try TransferTests.manifest(try TransferTests.mountpoint(cloned))
        #expect(restored == expected, "\(Set(restored).symmetricDifference(expected).sorted())")
        #expect(try TrashTests.labels(cloned).contains("\"voltop.asuser\":\"\(tag)\""))

        // Every change is in the user's audit log.
        let log = try json(["log", "--json"])
        #expect(log.map { $0["action"] as? String } == ["import", "clone", "rm", "restore"], "\(log)")
        #expect(log.allSatisfy { ($0["user"] as? String)?.hasPrefix("\(HelperModeTests.testUser) (uid \(uid))") == true }, "\(log)")
        #expect(log.allSatisfy { $0["result"] as? String == "ok" }, "\(log)")
        #expect(try TransferTests.helpers([source, imported, cloned]).isEmpty, "a helper container was left behind")
    }
}
