import Synchronization
import VolumeCore
import VolumeUI

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The runner's restores, clones and exports (one at a time, cancelled by Esc) and its audit lines.
extension EffectRunner {
    /// Runs a restore, clone or export with its progress sent at most every 0.2 s, audits it, and sends how it ended.
    func startTransfer(_ job: TransferJob) {
        let engine = self.engine
        let send = self.send
        let clock = self.clock
        let started = clock.now()
        let throttle = ProgressThrottle(interval: 0.2)
        let progress: @Sendable (Int64) -> Void = { bytes in
            let now = clock.now()
            if throttle.isDue(now) { send(.transferProgressed(bytes: bytes, elapsed: now.timeIntervalSince(started))) }
        }
        let task = Task {
            let end: TransferEnd
            do {
                let bytes: Int64
                switch job {
                case .restore(let item, let name): bytes = try await engine.restoreFromTrash(item, as: name, progress: progress)
                case .clone(let source, let target): bytes = try await engine.cloneFromDashboard(source, to: target, progress: progress)
                case .export(let volume, let path, _):
                    bytes = try await engine.exportFromDashboard(volume, toFile: path, progress: progress)
                }
                end = .done(bytes: bytes)
                if let audit = job.audit { record(audit.action, audit.names, bytes: bytes) }
            } catch {
                end = Task.isCancelled || error is CancellationError ? .cancelled : .failed(Self.engineError(error))
                if let audit = job.audit { record(audit.action, audit.names, error: Task.isCancelled ? CancellationError() : error) }
            }
            transferTask.withLock { $0 = nil }
            send(.transferFinished(job, end))
        }
        transferTask.withLock { previous in
            previous?.cancel()
            previous = task
        }
    }

    /// Appends a change to the audit log; a failure to write it is sent as `.auditFailed`, never dropped.
    func record(
        _ action: String, _ names: [String], bytes: Int64? = nil, result: String? = nil, error: (any Error)? = nil,
        engineAddress: String? = nil
    ) {
        guard let audit else { return }
        let outcome = result ?? error.map { "failed: \(Self.describe($0))" } ?? "ok"
        let entry = AuditLog.Entry(
            action: action, engine: engineAddress ?? engine.auditAddress, names: names, bytes: bytes, result: outcome)
        do { try audit(entry) } catch {
            send(
                .auditFailed(
                    "the audit log missed \(action) of \(names.map(Sanitizer.inline).joined(separator: ", ")) (done, not logged): \(Self.describe(error)). Fix the directory's permissions, or set XDG_STATE_HOME"
                ))
        }
    }

    /// An error in words for the audit log.
    static func describe(_ error: any Error) -> String {
        if let error = error as? EngineError { return error.message }
        if error is CancellationError { return "cancelled" }
        return "\(error)"
    }
}

/// Lets a progress report through at most every `interval` seconds.
final class ProgressThrottle: @unchecked Sendable {
    private let lock = ThreadLock()
    private let interval: Double
    private var last = Date.distantPast

    init(interval: Double) { self.interval = interval }

    /// Whether a report at `now` goes out (and then the next waits `interval`).
    func isDue(_ now: Date) -> Bool {
        lock.withLock {
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
