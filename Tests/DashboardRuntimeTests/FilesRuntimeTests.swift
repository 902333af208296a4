import Foundation
import Logging
import Synchronization
import Testing
import VolumeCore
import VolumeUI

@testable import DashboardRuntime

/// A helper-mode source whose scan waits at a gate, then fails (a tree needs a real walk; the runtime treats a
/// failure like a tree).
final class FakeSource: VolumeFileSource {
    let source = FileSource.helper(containerID: "fake")
    let volume: String
    let gate: Gate

    /// When set, closing waits at it (a helper container being removed).
    let closeGate: Gate?

    init(volume: String, gate: Gate, closeGate: Gate? = nil) {
        self.volume = volume
        self.gate = gate
        self.closeGate = closeGate
    }

    func scan(path: [[UInt8]], progress: (@Sendable (ScanProgress) -> Void)?) async throws -> ScanTree {
        await gate.wait()
        throw EngineError(.engineFailure, "scanned \(volume)")
    }

    func preview(path: [[UInt8]], offset: Int64, maxBytes: Int) async throws -> FilePreview { FilePreview(bytes: [], size: 0) }
    func remove(path: [[UInt8]], expecting kind: ScanTree.Kind?) async throws {}
    /// How many times it was closed (its helper removed).
    let closes = Mutex(0)
    func close(quickly: Bool) async {
        if let closeGate { await closeGate.wait() }
        closes.withLock { $0 += 1 }
    }
}

@Suite struct FilesRuntimeTests {
    /// A quit while the helper container is still being made waits for it and removes it: none outlives voltop
    /// (the monkey test once found one left after a quit).
    @Test func aQuitWaitsForAHelperBeingMadeAndRemovesIt() async throws {
        let made = Gate()
        let source = FakeSource(volume: "v", gate: Gate())
        let files = FilesRuntime(
            opener: { _ in
                await made.wait()
                return source
            }, logger: Logger(label: "test"), clock: ManualClock(), send: { _ in })
        let opening = Task { await files.handle(.openFiles(volume: "v")) }
        #expect(await eventually { made.waiterCount == 1 })
        let quitting = Task { await files.shutdown() }
        // The quit waits for the helper; then it is made, and removed before the quit ends.
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(source.closes.withLock { $0 } == 0)
        made.open()
        await quitting.value
        #expect(source.closes.withLock { $0 } == 1, "the helper made during the quit is removed before it ends")
        await opening.value
    }

    /// A quit while the last pane's helper is being removed, with another open waiting for that: the quit waits for
    /// it, and it makes nothing (the monkey test found a helper left after a quit, CI of stop 21).
    @Test func aQuitDuringTheCloseBeforeAnOpenLetsThatOpenMakeNothing() async throws {
        let closing = Gate()
        let first = FakeSource(volume: "a", gate: Gate(), closeGate: closing)
        let second = FakeSource(volume: "b", gate: Gate())
        let asked = Mutex<[String]>([])
        let files = FilesRuntime(
            opener: { name in
                asked.withLock { $0.append(name) }
                return name == "a" ? first : second
            }, logger: Logger(label: "test"), clock: ManualClock(), send: { _ in })
        await files.handle(.openFiles(volume: "a"))
        let opening = Task { await files.handle(.openFiles(volume: "b")) }
        #expect(await eventually { closing.waiterCount == 1 })
        let quitting = Task { await files.shutdown() }
        try await Task.sleep(nanoseconds: 100_000_000)
        closing.open()
        await quitting.value
        await opening.value
        #expect(asked.withLock { $0 } == ["a"], "no helper is made once the quit began")
        #expect(first.closes.withLock { $0 } == 1)
        #expect(second.closes.withLock { $0 } == 0)
    }

    /// A file deleted from the tree is one line of the audit log: action, the volume and path, the result.
    @Test func aFileDeleteIsAudited() async throws {
        let directory = NSTemporaryDirectory() + "voltop-audit-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audit = AuditLog(directory: directory)
        let gate = Gate()
        gate.open()
        let log = ActionLog()
        let files = FilesRuntime(
            opener: { name in FakeSource(volume: name, gate: gate) }, logger: Logger(label: "test"), clock: ManualClock(),
            auditLog: audit, send: { log.send($0) })
        await files.handle(.openFiles(volume: "v"))
        await files.handle(.deleteFile(volume: "v", path: [Array("dir".utf8), Array("old.log".utf8)], kind: .file))
        #expect(
            await eventually {
                log.actions.value.contains { if case .fileDeleted(let volume, _, nil) = $0 { return volume == "v" } else { return false } }
            })
        let (entries, unreadable) = try audit.entries()
        #expect(unreadable == 0)
        #expect(entries.map(\.action) == ["file-delete"])
        #expect(entries.first?.names == ["v:/dir/old.log"])
        #expect(entries.first?.result == "ok")
    }

    /// The audit log cannot be written (its directory would be below a regular file): the delete happens and the
    /// screen is told, not only the dashboard's log.
    @Test func aFileDeleteThatCannotBeAuditedIsReported() async throws {
        let blocked = NSTemporaryDirectory() + "voltop-audit-" + UUID().uuidString
        try Data("a file".utf8).write(to: URL(fileURLWithPath: blocked))
        defer { try? FileManager.default.removeItem(atPath: blocked) }
        let gate = Gate()
        gate.open()
        let log = ActionLog()
        let files = FilesRuntime(
            opener: { name in FakeSource(volume: name, gate: gate) }, logger: Logger(label: "test"), clock: ManualClock(),
            auditLog: .current(environment: ["XDG_STATE_HOME": blocked]), send: { log.send($0) })
        await files.handle(.openFiles(volume: "v"))
        await files.handle(.deleteFile(volume: "v", path: [Array("old.log".utf8)], kind: .file))
        #expect(
            await eventually {
                log.actions.value.contains { if case .fileDeleted(let volume, _, nil) = $0 { return volume == "v" } else { return false } }
            })
        let warnings = log.actions.value.compactMap { action -> String? in
            if case .auditFailed(let message) = action { return message }
            return nil
        }
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("the audit log missed file-delete of v:/old.log (done, not logged): ") == true, "\(warnings)")
    }

    @Test func aScanOfAVolumeNoLongerOpenIsDropped() async throws {
        let gates = ["a": Gate(), "b": Gate()]
        let log = ActionLog()
        let files = FilesRuntime(
            opener: { name in FakeSource(volume: name, gate: gates[name] ?? Gate()) }, logger: Logger(label: "test"),
            clock: ManualClock(), send: { log.send($0) })
        await files.handle(.openFiles(volume: "a"))
        #expect(await eventually { gates["a"]?.waiterCount == 1 })
        await files.handle(.openFiles(volume: "b"))
        #expect(await eventually { gates["b"]?.waiterCount == 1 })
        // The scan of "a" ends only now, after "b" was opened.
        gates["a"]?.open()
        gates["b"]?.open()
        let scanned: @Sendable () -> [String] = {
            log.actions.value.compactMap { action in
                if case .filesScanned(let volume, _) = action { return volume }
                return nil
            }
        }
        #expect(await eventually { scanned().contains("b") })
        await settle()
        #expect(scanned() == ["b"])
    }
}
