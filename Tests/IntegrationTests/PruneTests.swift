import Foundation
import Testing

@testable import VolumeCore

/// Prune removes exactly what the preview showed, on every API version.
@Suite(.enabled(if: TestEngine.isAvailable), .serialized)
struct PruneTests {
    /// Volumes labelled with a tag unique to the test, so a prune never touches anything else on the engine.
    struct Fixture {
        let tag: String
        let named: [String]
        let anonymous: [String]
        let filter: LabelFilter
    }

    func makeFixture(_ engine: DockerEngine, named: Int, anonymous: Int) async throws -> Fixture {
        let tag = TestEngine.unique("pr")
        var n: [String] = []
        var a: [String] = []
        for i in 0..<named {
            let name = "\(tag)-named-\(i)"
            _ = try await engine.createVolume(VolumeCreateRequest(name: name, labels: ["voltop.prune": tag]))
            n.append(name)
        }
        for _ in 0..<anonymous {
            a.append(try await engine.createVolume(VolumeCreateRequest(labels: ["voltop.prune": tag])).name)
        }
        return Fixture(tag: tag, named: n, anonymous: a, filter: try LabelFilter(parsing: "voltop.prune=\(tag)"))
    }

    @Test func anonymousModeNeverListsNamedVolumes() async throws {
        let engine = try await TestEngine.connect()
        let f = try await makeFixture(engine, named: 2, anonymous: 2)
        defer { TestEngine.removeVolumes(f.named + f.anonymous) }
        // data of a known size in one anonymous volume
        try TestEngine.docker([
            "run", "--rm", "--network", "none", "-v", "\(f.anonymous[0]):/d", TestEngine.image,
            "dd", "if=/dev/zero", "of=/d/blob", "bs=1024", "count=8"
        ])
        let plan = try await engine.prunePreview(mode: .unusedAnonymous, labelFilters: [f.filter])
        #expect(Set(plan.candidates.map(\.name)) == Set(f.anonymous))
        #expect(plan.totalBytes == 8192)
        let all = try await engine.prunePreview(mode: .allUnused, labelFilters: [f.filter])
        #expect(Set(all.candidates.map(\.name)) == Set(f.named + f.anonymous))

        let result = try await engine.prune(plan)
        #expect(Set(result.removed) == Set(f.anonymous))
        #expect(result.reclaimedBytes == 8192)
        let left = try TestEngine.volumeNames()
        #expect(f.named.allSatisfy(left.contains), "named volumes survive an anonymous prune, even on API 1.41")
        #expect(!f.anonymous.contains(where: left.contains))
    }

    @Test func volumesThatChangedSinceThePreviewAreSkipped() async throws {
        let engine = try await TestEngine.connect()
        let f = try await makeFixture(engine, named: 3, anonymous: 0)
        let late = TestEngine.unique("pr-late")
        let owner = TestEngine.unique("pr-owner")
        defer {
            TestEngine.removeContainers([owner])
            TestEngine.removeVolumes(f.named + [late])
        }
        let plan = try await engine.prunePreview(mode: .allUnused, labelFilters: [f.filter])
        #expect(plan.candidates.count == 3)
        // after the preview: one volume becomes in use (by a stopped container), one vanishes, one new appears
        try TestEngine.stoppedContainer(owner, ["-v", "\(f.named[0]):/data"])
        try TestEngine.docker(["volume", "rm", f.named[1]])
        try TestEngine.docker(["volume", "create", "--label", "voltop.prune=\(f.tag)", late])

        let result = try await engine.prune(plan)
        #expect(result.removed == [f.named[2]])
        #expect(result.skipped.map(\.name) == [f.named[0], f.named[1]])
        #expect(result.skipped[0].reason == "in-use")
        #expect(result.skipped[0].message.contains(owner))
        #expect(result.skipped[1].reason == "gone")
        let left = try TestEngine.volumeNames()
        #expect(left.contains(f.named[0]))
        #expect(left.contains(late), "a volume the user never saw is never removed")
    }

    /// Removal is by name: a volume removed and made again under the same name after the preview is another volume
    /// (data the user never saw), and is skipped with the reason; the rest of the plan goes ahead.
    @Test func aVolumeRecreatedUnderThePreviewedNameIsSkipped() async throws {
        let engine = try await TestEngine.connect()
        let f = try await makeFixture(engine, named: 2, anonymous: 0)
        defer { TestEngine.removeVolumes(f.named) }
        let plan = try await engine.prunePreview(mode: .allUnused, labelFilters: [f.filter])
        #expect(Set(plan.candidates.map(\.name)) == Set(f.named))
        #expect(plan.candidates.allSatisfy { $0.createdAt != nil })
        // CreatedAt has one-second resolution: make the new one in a later second.
        try await Task.sleep(for: .milliseconds(1100))
        try TestEngine.docker(["volume", "rm", f.named[0]])
        try TestEngine.docker(["volume", "create", "--label", "voltop.prune=\(f.tag)", "--label", "precious=1", f.named[0]])
        let result = try await engine.prune(plan)
        #expect(result.removed == [f.named[1]])
        #expect(result.skipped.map(\.name) == [f.named[0]])
        #expect(result.skipped.first?.reason == "changed")
        #expect(result.skipped.first?.message.contains("preview again") == true)
        let again = try TestEngine.docker(["volume", "inspect", "-f", "{{index .Labels \"precious\"}}", f.named[0]]).out
        #expect(again.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "the re-created volume survives")
    }

    /// A named volume whose name happens to be 64 hex digits: on an engine that labels anonymous volumes (API 1.42+)
    /// it is never anonymous; on one that does not (this 20.10 engine, API 1.41) the preview says how it decided.
    @Test func aNamedVolumeWithAHexNameAndTheEnginesLabel() async throws {
        let engine = try await TestEngine.connect()
        let tag = TestEngine.unique("pr-hex")
        let hexName = String((tag + String(repeating: "0", count: 64)).utf8.map { String($0 % 16, radix: 16) }.joined().prefix(64))
        _ = try await engine.createVolume(VolumeCreateRequest(name: hexName, labels: ["voltop.prune": tag]))
        defer { TestEngine.removeVolumes([hexName]) }
        let filter = try LabelFilter(parsing: "voltop.prune=\(tag)")
        let plan = try await engine.prunePreview(mode: .unusedAnonymous, labelFilters: [filter])
        #expect(plan.anonymity == engine.anonymity)
        if engine.anonymity == .label {
            #expect(plan.candidates.isEmpty, "a named volume with a hex name is not anonymous where the engine labels anonymous ones")
        } else {
            #expect(plan.candidates.map(\.name) == [hexName])
            #expect(plan.anonymity.explanation.contains("64-hex"))
            let cli = try TestEngine.run(CLITests.binary, ["prune", "--dry-run", "--filter", "label=voltop.prune=\(tag)"], check: false)
            #expect(cli.out.contains("does not label anonymous volumes"), "\(cli.out)")
        }
        // The rule itself, for both kinds of engine.
        let catalog = Catalog(volumes: [Volume(name: hexName)], containers: [], anonymity: .label)
        #expect(PrunePlan(catalog: catalog, mode: .unusedAnonymous).candidates.isEmpty)
        let labelled = Catalog(volumes: [Volume(name: "x", labels: [Volume.anonymousLabel: ""])], containers: [], anonymity: .label)
        #expect(PrunePlan(catalog: labelled, mode: .unusedAnonymous).candidates.map(\.name) == ["x"])
        #expect(AnonymityRule.of(apiVersion: APIVersion(1, 41), flavor: "docker") == .labelOrNameShape)
        #expect(AnonymityRule.of(apiVersion: APIVersion(1, 42), flavor: "docker") == .label)
    }
}
