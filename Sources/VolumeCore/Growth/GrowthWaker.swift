import CVolumeSys
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// When the growth monitor takes its next step: as soon as the write watcher's descriptor has writes to read, when
/// something else changed (`nudge`), or after a timeout. The wait is a `poll(2)` on a thread of its own, so an idle
/// dashboard costs no wake-ups between two timeouts (it woke twice a second to find nothing to read).
final class GrowthWaker: Sendable {
    /// Written to wake a waiting `poll` (a nudge or the stop); an eventfd.
    private let wakeFD: Int32
    private let stopped = Mutex(false)
    /// Whether a nudge is pending (several nudges before the next wait make one wake-up, one `write`).
    private let nudged = Mutex(false)

    init() {
        wakeFD = cvs_eventfd()
    }

    deinit { if wakeFD >= 0 { close(wakeFD) } }

    /// Wakes the current or next wait.
    func nudge() {
        let first = nudged.withLock { pending -> Bool in
            defer { pending = true }
            return !pending
        }
        if first { signal() }
    }

    /// Ends the current and every later wait.
    func stop() {
        stopped.withLock { $0 = true }
        signal()
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    private func signal() {
        guard wakeFD >= 0 else { return }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    /// Waits until `descriptor` (-1: none) is readable, a nudge or the stop comes, or `timeout` seconds pass; the
    /// calling thread blocks. Without an eventfd it sleeps out the timeout in short steps.
    func wait(descriptor: Int32, timeout: Double) {
        guard !isStopped else { return }
        let milliseconds = Int32(max(0, min(timeout, 3600)) * 1000)
        guard wakeFD >= 0 else {
            usleep(UInt32(min(milliseconds, 500)) * 1000)
            return
        }
        var fds = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
        ]
        _ = poll(&fds, 2, milliseconds)
        if fds[1].revents != 0 {
            var count: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &count) { read(wakeFD, $0.baseAddress, 8) }
        }
        nudged.withLock { $0 = false }
    }

    /// `wait` on a thread of its own: a dispatch worker blocked in `poll` for seconds would take a thread from the
    /// pools that the runtime's tasks run on.
    func waitAsync(descriptor: Int32, timeout: Double) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            OSThread.start(name: "voltop-growth-wait") {
                self.wait(descriptor: descriptor, timeout: timeout)
                continuation.resume()
            }
        }
    }
}
