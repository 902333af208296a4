import Foundation
import Testing

@testable import VolumeCore

/// Every core operation and error against the real private engine that scripts/test starts.
@Suite(.enabled(if: TestEngine.isAvailable), .serialized)
struct OperationsTests {
    @Test func connectNegotiatesTheLowerVersion() async throws {
        let engine = try await TestEngine.connect()
        let server = try #require(APIVersion(engine.info.serverAPIVersion))
        #expect(engine.apiVersion == min(server, APIVersion.newestSupported))
        #expect(engine.info.flavor == "docker")
        #expect(engine.requests.count == 1, "connecting costs one ping")
        _ = try await engine.volumes()
        #expect(engine.requests.count == 2)
    }

    @Test func createInspectRemove() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-crud")
        let created = try await engine.createVolume(
            VolumeCreateRequest(name: name, labels: ["voltop.test": "crud", "k": "v"]))
        #expect(created.name == name)
        #expect(try TestEngine.volumeNames().contains(name))
        let (volume, raw) = try await engine.volume(name)
        #expect(volume.labels["k"] == "v")
        let object = try #require(try JSONSerialization.jsonObject(with: raw) as? [String: Any])
        #expect(object["Name"] as? String == name)
        #expect(object["Mountpoint"] as? String == volume.mountpoint)
        try await engine.removeVolume(name)
        #expect(!(try TestEngine.volumeNames().contains(name)))
    }

    /// The engine answers a create of an existing name with the existing volume and drops the new labels: voltop
    /// says "already exists" and changes nothing; the CLI exits 0 only when the request matches exactly.
    @Test func createOfAnExistingNameSaysSo() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-exists")
        _ = try await engine.createVolume(VolumeCreateRequest(name: name, labels: ["k": "v"]))
        defer { TestEngine.removeVolumes([name]) }
        let again = await #expect(throws: EngineError.self) {
            try await engine.createVolume(VolumeCreateRequest(name: name, labels: ["k": "v"]))
        }
        #expect(again?.code == .conflict && again?.message.contains("already exists") == true)
        let same = try await engine.createVolume(VolumeCreateRequest(name: name, labels: ["k": "v"]), allowingIdentical: true)
        #expect(same.name == name)
        let other = try CLITests.voltop(["create", name, "--label", "other=x"])
        #expect(other.status == 1, "\(other.out) \(other.err)")
        #expect(other.err.contains("already exists") && other.err.contains("other labels"), "\(other.err)")
        let labels = try TestEngine.docker(["volume", "inspect", "-f", "{{json .Labels}}", name]).out
        #expect(!labels.contains("other"), "nothing changed: \(labels)")
        let identical = try CLITests.voltop(["create", name, "--label", "k=v"])
        #expect(identical.status == 0, "\(identical.err)")
        let spaced = try CLITests.voltop(["create", name + "-sp", "--label", "note=a b"])
        defer { TestEngine.removeVolumes([name + "-sp"]) }
        #expect(spaced.status == 0, "\(spaced.err)")
        #expect(try TestEngine.docker(["volume", "inspect", "-f", "{{index .Labels \"note\"}}", name + "-sp"]).out.hasPrefix("a b"))
    }

    /// Owners can be stopped, started and removed (never forced, never with their volumes); read-only sends nothing.
    @Test func actingOnAnOwner() async throws {
        let engine = try await TestEngine.connect()
        let volume = TestEngine.unique("it-owner-v")
        let name = TestEngine.unique("it-owner")
        defer {
            TestEngine.removeContainers([name])
            TestEngine.removeVolumes([volume])
        }
        let id = try TestEngine.runContainer(name, ["-v", "\(volume):/data"])
        let readOnly = try await TestEngine.connect(readOnly: true)
        let before = readOnly.requests.count
        await #expect(throws: EngineError.self) { try await readOnly.act(.stop, onContainer: id, named: name) }
        #expect(readOnly.requests.count == before)
        let running = await #expect(throws: EngineError.self) { try await engine.act(.remove, onContainer: id, named: name) }
        #expect(running?.message.contains("stop it first") == true, "\(String(describing: running))")
        try await engine.act(.stop, onContainer: id, named: name)
        #expect(try TestEngine.docker(["inspect", "-f", "{{.State.Running}}", name]).out.hasPrefix("false"))
        try await engine.act(.start, onContainer: id, named: name)
        #expect(try TestEngine.docker(["inspect", "-f", "{{.State.Running}}", name]).out.hasPrefix("true"))
        try await engine.act(.stop, onContainer: id, named: name)
        try await engine.act(.remove, onContainer: id, named: name)
        #expect(try TestEngine.volumeNames().contains(volume), "the volume stays")
    }

    @Test func createWithDriverOptionsAndAnonymous() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-tmpfs")
        let v = try await engine.createVolume(
            VolumeCreateRequest(name: name, options: ["type": "tmpfs", "device": "tmpfs", "o": "size=4m"]))
        #expect(v.options["type"] == "tmpfs")
        let anon = try await engine.createVolume(VolumeCreateRequest(labels: ["voltop.test": "anon"]))
        #expect(Volume.looksAnonymous(anon.name))
        #expect(anon.isAnonymous)
        let catalog = try await engine.catalog(withSizes: true)
        guard case .unknown(let why)? = catalog.entry(named: name)?.size else {
            Issue.record("a volume with driver options must have an unknown size, not zero")
            return
        }
        #expect(why.contains("driver options"))
        #expect(catalog.entry(named: anon.name)?.size == .bytes(0))
        try await engine.removeVolume(name)
        try await engine.removeVolume(anon.name)
    }

    @Test func invalidNameIsRefusedBeforeAnyRequest() async throws {
        let engine = try await TestEngine.connect()
        let before = engine.requests.count
        for bad in ["x", "-dash", "with space", "sl/ash", "\u{1B}[2Jevil"] {
            let error = await #expect(throws: EngineError.self) {
                try await engine.createVolume(VolumeCreateRequest(name: bad))
            }
            #expect(error?.code == .invalidName)
            #expect(error?.message.contains("\u{1B}") == false, "the message must not carry raw escapes")
        }
        #expect(engine.requests.count == before, "no request was sent for an invalid name")
        #expect(!(try TestEngine.volumeNames().contains("x")))
    }

    @Test func notFound() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-missing")
        let inspect = await #expect(throws: EngineError.self) { try await engine.volume(name) }
        #expect(inspect?.code == .notFound)
        let remove = await #expect(throws: EngineError.self) { try await engine.removeVolume(name) }
        #expect(remove?.code == .notFound)
        #expect(remove?.message.contains("no such volume") == true)
        // force only ignores a missing volume
        try await engine.removeVolume(name, force: true)
    }

    @Test func inUseByAStoppedContainerNamesIt() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-inuse")
        let stopped = TestEngine.unique("it-stopped")
        let running = TestEngine.unique("it-running")
        defer {
            TestEngine.removeContainers([stopped, running])
            TestEngine.removeVolumes([name])
        }
        try TestEngine.stoppedContainer(stopped, ["-v", "\(name):/data"])
        var error = await #expect(throws: EngineError.self) { try await engine.removeVolume(name, force: true) }
        #expect(error?.code == .inUse)
        #expect(error?.message.contains(stopped) == true)
        #expect(error?.message.contains("stopped") == true)
        #expect(try TestEngine.volumeNames().contains(name), "force never removes a volume in use")

        try TestEngine.runContainer(running, ["-v", "\(name):/data:ro"])
        error = await #expect(throws: EngineError.self) { try await engine.removeVolume(name) }
        #expect(error?.message.contains("\(running) (running)") == true)
        let entry = try #require(try await engine.catalog().entry(named: name))
        #expect(entry.status == .inUse)
        #expect(entry.owners.count == 2)
        #expect(entry.owners.first { $0.containerName == running }?.isReadWrite == false)
    }

    @Test func readOnlyRefusesEveryWriteBeforeSending() async throws {
        let writer = try await TestEngine.connect()
        let name = TestEngine.unique("it-ro")
        _ = try await writer.createVolume(VolumeCreateRequest(name: name, labels: ["voltop.test": name]))
        defer { TestEngine.removeVolumes([name]) }

        let engine = try await TestEngine.connect(readOnly: true)
        let before = engine.requests.count
        let create = await #expect(throws: EngineError.self) { try await engine.createVolume(VolumeCreateRequest(name: name + "-new")) }
        #expect(create?.code == .readOnly)
        let remove = await #expect(throws: EngineError.self) { try await engine.removeVolume(name) }
        #expect(remove?.code == .readOnly)
        #expect(engine.requests.count == before, "read-only mode sent nothing")
        // a preview only reads
        let plan = try await engine.prunePreview(mode: .allUnused, labelFilters: [try LabelFilter(parsing: "voltop.test=\(name)")])
        #expect(plan.candidates.map(\.name) == [name])
        let prune = await #expect(throws: EngineError.self) { try await engine.prune(plan) }
        #expect(prune?.code == .readOnly)
        #expect(try TestEngine.volumeNames().contains(name))
        #expect(!(try TestEngine.volumeNames().contains(name + "-new")))
    }

    @Test func volumesFromImageVolumeAndBinds() async throws {
        let engine = try await TestEngine.connect()
        let vol = TestEngine.unique("it-shared")
        let source = TestEngine.unique("it-src")
        let follower = TestEngine.unique("it-follow")
        let declared = TestEngine.unique("it-declared")
        let scratch = TestEngine.unique("it-scratch")
        let bindDir = NSTemporaryDirectory() + TestEngine.unique("it-bind")
        try FileManager.default.createDirectory(atPath: bindDir, withIntermediateDirectories: true)
        defer {
            TestEngine.removeContainers([source, follower, declared, scratch])
            TestEngine.removeVolumes([vol])
            try? FileManager.default.removeItem(atPath: bindDir)
        }
        try TestEngine.runContainer(source, ["-v", "\(vol):/shared", "-v", "\(bindDir):/host:ro", "--tmpfs", "/run/t"])
        try TestEngine.runContainer(follower, ["--volumes-from", source])
        try TestEngine.runContainer(declared, [], image: TestEngine.volumeImage)
        try TestEngine.stoppedContainer(scratch, ["-v", "/scratch"])

        let catalog = try await engine.catalog()
        let plain = try #require(catalog.entry(named: vol))
        #expect(Set(plain.owners.map(\.containerName)) == [source, follower])
        let (entry, details) = try await engine.resolveOwners(plain, in: catalog)
        #expect(entry.owners.first { $0.containerName == follower }?.volumesFrom == source)
        #expect(entry.owners.first { $0.containerName == source }?.volumesFrom == nil)

        // all mounts of the source: the volume, the bind (HOST:CONTAINER, ro) and the tmpfs
        let sourceID = try #require(entry.owners.first { $0.containerName == source }?.containerID)
        let lines = try #require(details[sourceID]).mountLines
        #expect(lines.contains("volume \(vol) -> /shared (rw)"))
        #expect(lines.contains("bind \(bindDir):/host (ro)"))
        #expect(lines.contains("tmpfs -> /run/t"))
        // binds never become volumes in the catalog
        #expect(catalog.entry(named: bindDir) == nil)

        let declaredEntry = try #require(catalog.entries.first { $0.owners.contains { $0.containerName == declared } })
        #expect(declaredEntry.isAnonymous)
        #expect(await engine.origin(of: declaredEntry) == .imageDeclared)
        let scratchEntry = try #require(catalog.entries.first { $0.owners.contains { $0.containerName == scratch } })
        #expect(scratchEntry.status == .inUseStopped)
        #expect(await engine.origin(of: scratchEntry) == .anonymous)
    }

    @Test func runWithRmRemovesAnonymousButNotNamedVolumes() async throws {
        let engine = try await TestEngine.connect()
        let named = TestEngine.unique("it-keep")
        let label = TestEngine.unique("it-rm")
        defer { TestEngine.removeVolumes([named]) }
        let cidFile = NSTemporaryDirectory() + TestEngine.unique("cid")
        defer { try? FileManager.default.removeItem(atPath: cidFile) }
        let since = Int(Date().timeIntervalSince1970) - 1
        try TestEngine.docker([
            "run", "--rm", "--cidfile", cidFile, "--network", "none", "--label", label, "-v", "\(named):/named", "-v", "/anon",
            TestEngine.image, "sh", "-c", "echo hi > /named/f; echo hi > /anon/f"
        ])
        // The volumes this container mounted (from the engine's own events; other tests run meanwhile and make
        // volumes of their own), and which of them are left.
        let cid = try String(contentsOfFile: cidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let mounts = try TestEngine.docker([
            "events", "--since", "\(since)", "--until", "\(Int(Date().timeIntervalSince1970) + 1)", "--filter", "type=volume",
            "--filter", "event=mount", "--format", "{{.Actor.ID}} {{index .Actor.Attributes \"container\"}}"
        ]).out.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            return parts.count == 2 && parts[1] == cid ? String(parts[0]) : nil
        }
        #expect(Set(mounts).count == 2, "the container mounted a named and an anonymous volume: \(mounts)")
        let after = Set(try await engine.volumes().map(\.name))
        #expect(Set(mounts).intersection(after) == [named], "only the named volume stays after --rm")
        let entry = try #require(try await engine.catalog().entry(named: named))
        #expect(entry.status == .unused)
    }

    @Test func sizesAreSerializedAndMatchTheData() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-size")
        defer { TestEngine.removeVolumes([name]) }
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(name):/d", TestEngine.image,
            "sh", "-c", "dd if=/dev/zero of=/d/blob bs=1024 count=64 2>/dev/null; printf 123456 > /d/small"
        ])
        // four callers at once: a 20.10 engine fails concurrent /system/df calls unless voltop serializes them
        let sizes = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for _ in 0..<4 { group.addTask { try await engine.diskUsage()[name]?.size } }
            var all: [Int64?] = []
            for try await s in group { all.append(s) }
            return all
        }
        #expect(sizes == Array(repeating: Int64(65536 + 6), count: 4))
    }

    @Test func eventsArriveLive() async throws {
        let engine = try await TestEngine.connect()
        let name = TestEngine.unique("it-event")
        defer { TestEngine.removeVolumes([name]) }
        let stream = engine.events()
        let seen = Task { () -> EngineEvent? in
            for try await event in stream where event.type == "volume" && event.subject == name && event.action == "create" {
                return event
            }
            return nil
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        try TestEngine.docker(["volume", "create", name])
        let timeout = Task {
            try await Task.sleep(nanoseconds: 10_000_000_000)
            seen.cancel()
        }
        let event = try await seen.value
        timeout.cancel()
        #expect(event?.changesCatalog == true)
    }
}
