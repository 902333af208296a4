import DashboardRuntime
import Foundation
import Synchronization
import Testing
import VolumeCore
import VolumeUI

/// A restore that reports progress, then waits until it is cancelled (or 60 s), as a long helper-container copy does.
extension FakeEngine {
    func restoreFromTrash(_ item: Trash.Item, as name: String, progress: @escaping @Sendable (Int64) -> Void) async throws -> Int64 {
        progress(4096)
        try await Task.sleep(nanoseconds: 60_000_000_000)
        return 8192
    }
}

/// The runner's transfers (progress, cancel) and its audit log lines (a failure to write one is sent, never dropped).
@Suite struct TransferRunnerTests {
    let clock = ManualClock()
    let log = ActionLog()

    func makeRunner(_ engine: FakeEngine, audit: (@Sendable (AuditLog.Entry) throws -> Void)?) -> EffectRunner {
        let log = self.log
        return EffectRunner(
            engine: engine, clock: clock, files: RecordingFiles(), measurer: RecordingMeasurer(), livenessInterval: 15, audit: audit,
            send: { log.send($0) })
    }

    static let item = Trash.Item(
        id: "20261201T000000Z-data-abc123", name: "data", driver: "local", labels: [:], options: [:], sizeBytes: 8192, archiveBytes: 10_240,
        owners: ["web"], removedBy: "root (uid 0)", removedAt: "2026-12-01T00:00:00Z", command: "dashboard d", engine: "unix:///x",
        createdAt: nil)

    /// A scratch directory; a regular file inside it stands for an XDG_STATE_HOME that cannot hold a directory.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voltop-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anUnwritableAuditLogIsReportedAfterARemoval() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blocked = dir.appendingPathComponent("state")
        try Data("not a directory".utf8).write(to: blocked)
        let runner = makeRunner(
            FakeEngine(volumes: ["a"]), audit: { try AuditLog.current(environment: ["XDG_STATE_HOME": blocked.path]).append($0) })
        runner.run(.removeVolumes(["a"], force: false))
        #expect(await eventually { log.actions.value.contains { if case .volumesRemoved = $0 { true } else { false } } })
        let warnings = log.actions.value.compactMap { action -> String? in
            if case .auditFailed(let message) = action { return message }
            return nil
        }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("the audit log missed rm of a (done, not logged): ") == true)
        #expect(warnings.first?.contains("XDG_STATE_HOME") == true)
    }

    @Test func aWritableAuditLogGetsTheLineAndNoWarning() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let environment = ["XDG_STATE_HOME": dir.path]
        let runner = makeRunner(FakeEngine(volumes: ["a"]), audit: { try AuditLog.current(environment: environment).append($0) })
        runner.run(.removeVolumes(["a"], force: false))
        #expect(await eventually { log.actions.value.contains { if case .volumesRemoved = $0 { true } else { false } } })
        let (entries, _) = try AuditLog.current(environment: environment).entries()
        #expect(entries.map(\.action) == ["rm"])
        #expect(entries.first?.names == ["a"])
        #expect(!log.actions.value.contains { if case .auditFailed = $0 { true } else { false } })
    }

    @Test func quittingCancelsATransferAndWaitsForIt() async throws {
        let runner = makeRunner(FakeEngine(), audit: nil)
        let job = TransferJob.restore(Self.item, as: "data")
        runner.run(.startTransfer(job))
        #expect(await eventually { log.actions.value.contains { if case .transferProgressed = $0 { true } else { false } } })
        await runner.shutdown()
        // By the time shutdown returns, the restore has ended (cancelled), so its cleanup is done.
        #expect(log.actions.value.contains { if case .transferFinished(job, .cancelled) = $0 { true } else { false } })
    }

    @Test func aCreateFromTheDashboardIsAuditedEvenWhenRefused() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let environment = ["XDG_STATE_HOME": dir.path]
        let runner = makeRunner(FakeEngine(), audit: { try AuditLog.current(environment: environment).append($0) })
        runner.run(.createVolume(VolumeCreateRequest(name: "fresh")))
        #expect(await eventually { log.actions.value.contains { if case .volumeCreated = $0 { true } else { false } } })
        let (entries, _) = try AuditLog.current(environment: environment).entries()
        #expect(entries.map(\.action) == ["create"])
        #expect(entries.first?.names == ["fresh"])
        #expect(entries.first?.result == "failed: fake")
    }

    @Test func aRestoreShowsProgressAndEscCancelsIt() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let environment = ["XDG_STATE_HOME": dir.path]
        let runner = makeRunner(FakeEngine(), audit: { try AuditLog.current(environment: environment).append($0) })
        let job = TransferJob.restore(Self.item, as: "data")
        runner.run(.startTransfer(job))
        #expect(
            await eventually { log.actions.value.contains { if case .transferProgressed(bytes: 4096, _) = $0 { true } else { false } } })
        runner.run(.cancelTransfer)
        #expect(await eventually { log.actions.value.contains { if case .transferFinished = $0 { true } else { false } } })
        let end = log.actions.value.compactMap { action -> TransferEnd? in
            if case .transferFinished(job, let end) = action { return end }
            return nil
        }
        #expect(end == [.cancelled])
        let (entries, _) = try AuditLog.current(environment: environment).entries()
        #expect(entries.map(\.result) == ["failed: cancelled"])
        #expect(entries.first?.names == ["data", "data"])
    }
}
