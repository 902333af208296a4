import Foundation
import Testing

@testable import VolumeCore

/// Decoding of JSON recorded from a real Docker 20.10 engine (scripts/record-fixtures) and the catalog built on it.
@Suite struct FixtureTests {
    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return try Data(contentsOf: url)
    }

    static func catalog() throws -> Catalog {
        struct List: Decodable { var Volumes: [Volume] }
        let volumes = try JSONDecoder().decode(List.self, from: fixture("volumes.json")).Volumes
        let containers = try JSONDecoder().decode([Container].self, from: fixture("containers.json"))
        let sizes = try DiskUsage.decode(fixture("system-df.json"))
        return Catalog(volumes: volumes, containers: containers, sizes: sizes)
    }

    @Test func decodesNullLabelsAndOptions() throws {
        let c = try Self.catalog()
        #expect(c.entries.count == 12)
        let app = try #require(c.entry(named: "app-data"))
        #expect(app.volume.labels.isEmpty && app.volume.options.isEmpty)
        #expect(app.volume.created != nil)
        #expect(c.entry(named: "tmpfs-vol")?.volume.options["type"] == "tmpfs")
        #expect(c.entry(named: "shop_db")?.composeProject == "shop")
    }

    @Test func ownersRunningAndStopped() throws {
        let c = try Self.catalog()
        let app = try #require(c.entry(named: "app-data"))
        #expect(app.owners.map(\.containerName) == ["sidecar", "web", "worker"])
        #expect(app.runningOwnerCount == 2 && app.stoppedOwnerCount == 1)
        #expect(app.status == .inUse)
        let logs = try #require(c.entry(named: "logs"))
        #expect(logs.owners.allSatisfy { !$0.isReadWrite })
        let uploads = try #require(c.entry(named: "shop_uploads"))
        #expect(uploads.status == .inUseStopped)
        #expect(uploads.owners.first?.composeService == "web")
        #expect(c.entry(named: "unused-named")?.status == .unused)
    }

    @Test func anonymousVolumesAndSizes() throws {
        let c = try Self.catalog()
        let leaked = c.entries.filter { $0.status == .unusedAnonymous }
        #expect(leaked.count == 1)
        #expect(leaked.first?.size == .bytes(4096))
        #expect(c.entries.filter(\.isAnonymous).count == 3)
        #expect(c.entry(named: "app-data")?.size == .bytes(1_048_604))
        guard case .unknown(let why)? = c.entry(named: "tmpfs-vol")?.size else {
            Issue.record("tmpfs-vol is missing from /system/df: its size must be unknown, never zero")
            return
        }
        #expect(why.contains("type=tmpfs"))
        // the bind mount of "binder" is not a volume
        #expect(!c.entries.contains { $0.owners.contains { $0.containerName == "binder" } })
    }

    @Test func prunePlansOnTheRecordedEngine() throws {
        let c = try Self.catalog()
        let anonymous = PrunePlan(catalog: c, mode: .unusedAnonymous)
        #expect(anonymous.candidates.count == 1)
        #expect(anonymous.totalBytes == 4096)
        let all = PrunePlan(catalog: c, mode: .allUnused)
        #expect(Set(all.candidates.map(\.name)).isSuperset(of: ["unused-named", "cache", "weird.name-1_x", "label-escape"]))
        #expect(!all.candidates.contains { $0.name == "tmpfs-vol" })
        #expect(all.excluded == ["tmpfs-vol"])
        #expect(all.totalBytes == 4096 + 10240)
    }

    @Test func theEventStreamStartsASecondBeforeThePingsDate() {
        // The engine's clock, from the ping's Date header (Go's net/http writes it on every reply).
        #expect(DockerEngine.eventsStart(httpDate: "Tue, 01 Dec 2026 20:09:08 GMT") == "1796155747")
        #expect(DockerEngine.eventsStart(httpDate: "Thu, 01 Jan 1970 00:00:01 GMT") == "0")
        let bad = [
            "", "yesterday", "Tue, 01 Dec 2026 20:09:08 CET", "Tue, 1 Dec 2026 20:09:08 GMT", "Tue, 31 Feb 2026 20:09:08 GMT",
            "Tue, 01 Foo 2026 20:09:08 GMT", "Tue, 01 Dec 2026 25:09:08 GMT"
        ]
        for text in bad { #expect(DockerEngine.eventsStart(httpDate: text) == nil, "\(text)") }
    }

    @Test func pingHeadersNegotiate() throws {
        let text = String(decoding: try Self.fixture("ping-headers.txt"), as: UTF8.self)
        var headers: [(String, String)] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let reply = EngineReply(status: 200, headers: headers, body: Data())
        let (info, version) = try DockerEngine.negotiate(reply, address: "unix:///x", environment: [:])
        #expect(version == APIVersion(1, 41))
        #expect(info.serverVersion == "20.10.24+dfsg1")
        #expect(info.flavor == "docker")
        // a newer daemon is spoken to at voltop's newest version
        let newer = EngineReply(status: 200, headers: [("Api-Version", "1.55"), ("Server", "Docker/29.7.2 (linux)")], body: Data())
        #expect(try DockerEngine.negotiate(newer, address: "x", environment: [:]).1 == APIVersion.newestSupported)
        let podman = EngineReply(
            status: 200, headers: [("API-Version", "1.41"), ("Libpod-API-Version", "5.8.2"), ("Server", "Libpod/5.8.2 (linux)")],
            body: Data())
        #expect(try DockerEngine.negotiate(podman, address: "x", environment: [:]).0.flavor == "podman")
        let old = EngineReply(status: 200, headers: [("Api-Version", "1.39")], body: Data())
        #expect(throws: EngineError.self) { try DockerEngine.negotiate(old, address: "x", environment: [:]) }
    }

    @Test func eventsFromTheRecordedStream() throws {
        let lines = String(decoding: try Self.fixture("events.jsonl"), as: UTF8.self).split(separator: "\n")
        let events = lines.compactMap { EngineEvent.decode(Array($0.utf8)) }
        #expect(events.count == lines.count)
        #expect(events.contains { $0.type == "volume" && $0.action == "create" && $0.subject == "app-data" })
        #expect(events.contains { $0.type == "volume" && $0.action == "mount" && !$0.changesCatalog })
        #expect(events.contains { $0.type == "container" && $0.action == "start" && $0.changesCatalog })
    }

    @Test func containerInspectAndErrors() throws {
        let sidecar = try ContainerDetail(json: Self.fixture("container-inspect-sidecar.json"))
        #expect(sidecar.volumesFrom == ["web"])
        #expect(sidecar.mounts.contains { $0.name == "app-data" && $0.destination == "/data" })
        let volume = try JSONDecoder().decode(Volume.self, from: Self.fixture("volume-inspect.json"))
        #expect(volume.name == "app-data")
        let inUse = EngineReply(status: 409, headers: [], body: try Self.fixture("error-in-use.json"))
        #expect(DockerEngine.engineMessage(inUse).hasPrefix("remove app-data: volume is in use"))
        let invalid = EngineReply(status: 400, headers: [], body: try Self.fixture("error-invalid-name.json"))
        #expect(DockerEngine.engineMessage(invalid).contains("too short"))
    }

    @Test func escapeLabelsAreSanitizedForDisplay() throws {
        let c = try Self.catalog()
        let note = try #require(c.entry(named: "label-escape")?.volume.labels["note"])
        #expect(note.contains("\u{1B}"))
        #expect(Sanitizer.inline(note) == "\\e[31mred\\nline")
    }
}
