import Foundation
import Testing

@testable import VolumeCore

/// Pure tests of the join and the prune plan on hand-made values; FixtureTests covers recorded engine JSON.
@Suite struct CatalogTests {
    static let anonName = String(repeating: "ab", count: 32)

    static func sample() -> Catalog {
        let volumes = [
            Volume(name: "data", labels: ["tier": "db"]),
            Volume(name: "stopped-only"),
            Volume(name: "orphan", labels: ["tier": "db"]),
            Volume(name: anonName),
            Volume(name: "labelled-anon", labels: [Volume.anonymousLabel: ""]),
            Volume(name: "tmpfs", options: ["type": "tmpfs", "device": "tmpfs"]),
            Volume(name: "plugin", driver: "nfs-plugin"),
            Volume(name: "pinned")
        ]
        let containers = [
            Container(
                id: "c1", names: ["/web"], image: "img", state: "running",
                mounts: [
                    MountPoint(type: "volume", name: "data", destination: "/data"),
                    MountPoint(type: "bind", source: "/srv", destination: "/srv")
                ]),
            Container(
                id: "c2", names: ["/job"], image: "img", state: "exited",
                labels: ["com.docker.compose.project": "shop", "com.docker.compose.service": "job"],
                mounts: [
                    MountPoint(type: "volume", name: "data", destination: "/data", isReadWrite: false),
                    MountPoint(type: "volume", name: "stopped-only", destination: "/s")
                ]),
            Container(
                id: "h1", names: ["/voltop-helper-0c1d2e3f"], image: "img", state: "created",
                labels: [Container.helperLabel: "pinned", Container.helperOwnerLabel: "host 42 4242"],
                mounts: [MountPoint(type: "volume", name: "pinned", destination: "/volume", isReadWrite: false)], command: "/nonexistent")
        ]
        let sizes: [String: (size: Int64, refCount: Int64)] = [
            "data": (100, 2), "stopped-only": (200, 1), "orphan": (300, 0), anonName: (400, 0), "labelled-anon": (-1, 0), "pinned": (5, 1)
        ]
        return Catalog(volumes: volumes, containers: containers, sizes: sizes)
    }

    @Test func joinsOwnersAndStatus() throws {
        let c = Self.sample()
        let data = try #require(c.entry(named: "data"))
        #expect(data.owners.map(\.containerName) == ["web", "job"])
        #expect(data.owners[1].isReadWrite == false)
        #expect(data.owners[1].composeService == "job")
        #expect(data.status == .inUse)
        #expect(c.entry(named: "stopped-only")?.status == .inUseStopped)
        #expect(c.entry(named: "orphan")?.status == .unused)
        #expect(c.entry(named: Self.anonName)?.status == .unusedAnonymous)
        #expect(c.entry(named: "labelled-anon")?.isAnonymous == true)
        // helpers are hidden from owners and from the container list, but still pin the volume
        #expect(c.entry(named: "pinned")?.owners.isEmpty == true)
        #expect(c.entry(named: "pinned")?.isDangling == false)
        #expect(!c.containers.contains { $0.isVoltopHelper })
    }

    @Test func joiningContainersLaterGivesTheCatalogOfBothAtOnce() throws {
        let full = Self.sample()
        let volumes = full.entries.map(\.volume).reversed()
        let containers =
            try FixtureTests.catalog().containers + [
                Container(
                    id: "c3", names: ["/another"], image: "img", state: "running",
                    mounts: [
                        MountPoint(type: "volume", name: "data", destination: "/b"),
                        MountPoint(type: "volume", name: "data", destination: "/a")
                    ])
            ]
        let helper = Container(
            id: "h1", names: ["/voltop-helper-0c1d2e3f"], image: "img", state: "created",
            labels: [Container.helperLabel: "pinned", Container.helperOwnerLabel: "host 42 4242"],
            mounts: [MountPoint(type: "volume", name: "pinned", destination: "/volume", isReadWrite: false)], command: "/nonexistent")
        let takenAt = Date(timeIntervalSince1970: 1_700_000_000)
        let atOnce = Catalog(volumes: Array(volumes), containers: containers + [helper], takenAt: takenAt, anonymity: .label)
        let listed = Catalog(volumes: Array(volumes), containers: [], takenAt: takenAt, anonymity: .label)
        #expect(listed.entries.allSatisfy { $0.owners.isEmpty && !$0.isPinnedByHelper })
        let joined = listed.joined(with: containers + [helper], takenAt: takenAt)
        #expect(joined == atOnce)
        #expect(joined.entry(named: "data")?.owners.map(\.destination) == ["/a", "/b"])
        #expect(joined.entry(named: "pinned")?.isPinnedByHelper == true)
    }

    @Test func sizesAreUnknownNotZero() {
        let c = Self.sample()
        #expect(c.entry(named: "orphan")?.size == .bytes(300))
        guard case .unknown(let why)? = c.entry(named: "tmpfs")?.size else {
            Issue.record("tmpfs size should be unknown")
            return
        }
        #expect(why.contains("driver options"))
        guard case .unknown? = c.entry(named: "plugin")?.size else {
            Issue.record("plugin size should be unknown")
            return
        }
        guard case .unknown? = c.entry(named: "labelled-anon")?.size else {
            Issue.record("-1 should be unknown")
            return
        }
        #expect(Catalog(volumes: [Volume(name: "x1")], containers: []).entries[0].size == .notRequested)
        #expect(c.totalKnownBytes == 1005)
    }

    @Test func prunePlanAnonymousOnly() {
        let plan = PrunePlan(catalog: Self.sample(), mode: .unusedAnonymous)
        #expect(plan.candidates.map(\.name) == [Self.anonName, "labelled-anon"].sorted())
        #expect(plan.totalBytes == 400)
        #expect(plan.unknownSizeCount == 1)
    }

    @Test func prunePlanAllUnused() {
        let plan = PrunePlan(catalog: Self.sample(), mode: .allUnused)
        #expect(plan.candidates.map(\.name) == [Self.anonName, "labelled-anon", "orphan"].sorted())
        #expect(plan.excluded == ["plugin", "tmpfs"])
        #expect(!plan.candidates.contains { $0.name == "pinned" || $0.name == "stopped-only" || $0.name == "data" })
    }

    @Test func prunePlanWithLabels() throws {
        let plan = PrunePlan(catalog: Self.sample(), mode: .allUnused, labelFilters: [try LabelFilter(parsing: "tier=db")])
        #expect(plan.candidates.map(\.name) == ["orphan"])
        #expect(plan.totalBytes == 300)
    }

    @Test func volumeJSONHasEveryKey() throws {
        let entry = try #require(Self.sample().entry(named: "tmpfs"))
        let data = try JSONEncoder().encode(VolumeJSON(entry, engine: "prod"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["engine"] as? String == "prod")
        #expect(
            Set(object.keys) == [
                "name", "engine", "driver", "scope", "mountpoint", "createdAt", "labels", "options", "anonymous", "dangling", "status",
                "composeProject", "size", "sizeState", "sizeNote", "sizeSource", "owners", "runningOwners", "stoppedOwners",
                "growthBytesPerSecond", "writers", "writersSeen"
            ])
        #expect(object["size"] is NSNull)
        #expect(object["growthBytesPerSecond"] is NSNull && object["writersSeen"] is NSNull)
        #expect((object["writers"] as? [String]) == [])
        #expect(object["sizeState"] as? String == "unknown")
    }

    @Test func eventsDecodeAndSplit() throws {
        var splitter = LineSplitter()
        let one =
            #"{"Type":"volume","Action":"create","Actor":{"ID":"v1","Attributes":{"driver":"local"}},"scope":"local","time":1,"timeNano":1000000005}"#
        let bytes = Array((one + "\n" + one).utf8)
        var lines = splitter.feed(Array(bytes[0..<50]))
        #expect(lines.isEmpty)
        lines = splitter.feed(Array(bytes[50...]) + [0x0A])
        #expect(lines.count == 2)
        let event = try #require(EngineEvent.decode(lines[0]))
        #expect(event.type == "volume" && event.action == "create" && event.subject == "v1")
        #expect(event.resumeToken == "1.000000005")
        #expect(event.changesCatalog)
        #expect(!EngineEvent(type: "volume", action: "mount", actorID: "v").changesCatalog)
        #expect(EngineEvent(type: "container", action: "exec_start: sh", actorID: "c").changesCatalog == false)
        // json-seq framing and Podman's name attribute
        let podman = try #require(
            EngineEvent.decode([0x1E] + Array(#"{"Type":"volume","Action":"remove","Actor":{"ID":"","Attributes":{"name":"pv"}}}"#.utf8)))
        #expect(podman.subject == "pv")
        #expect(EngineEvent.decode(Array("not json".utf8)) == nil)
    }

    @Test func diskUsageDecodesBothShapes() throws {
        let legacy =
            #"{"Volumes":[{"Name":"a","UsageData":{"Size":10,"RefCount":1}},{"Name":"b","UsageData":{"Size":-1,"RefCount":0}}],"LayersSize":1}"#
        let typed = #"{"VolumeUsage":{"TotalSize":5,"Items":[{"Name":"c","UsageData":{"Size":5,"RefCount":0}}]}}"#
        let a = try DiskUsage.decode(Data(legacy.utf8))
        #expect(a["a"]?.size == 10 && a["b"]?.size == -1)
        let b = try DiskUsage.decode(Data(typed.utf8))
        #expect(b["c"]?.size == 5)
        #expect(throws: EngineError.self) { try DiskUsage.decode(Data("[".utf8)) }
    }

    @Test func containerDetailReadsTmpfsAndVolumesFrom() throws {
        let json =
            #"{"Mounts":[{"Type":"bind","Source":"/srv","Destination":"/host","RW":false}],"HostConfig":{"Tmpfs":{"/run/t":"size=1m"},"VolumesFrom":["web:ro","/db"]}}"#
        let d = try ContainerDetail(json: Data(json.utf8))
        #expect(d.volumesFrom == ["web", "db"])
        #expect(d.mountLines == ["bind /srv:/host (ro)", "tmpfs -> /run/t (size=1m)"])
    }
}
