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
            "dd", "if=/dev/zero", "of=/d/blob", "bs=1024", "count=8",
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
}

