import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// The growth monitor's wait: it ends when the write watcher's descriptor is readable, on a nudge or on the stop,
/// long before its timeout (an hour here: a wait that missed its wake-up fails the time limit).
@Suite(.timeLimit(.minutes(1))) struct GrowthWakerTests {
    @Test func aReadableDescriptorEndsTheWait() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let waker = GrowthWaker()
        #expect(write(ends[1], "x", 1) == 1)
        waker.wait(descriptor: ends[0], timeout: 3600)
    }

    @Test func aNudgeEndsTheNextWaitOnceAndTheStopEveryWait() async {
        let waker = GrowthWaker()
        // Several nudges before a wait make one wake-up.
        waker.nudge()
        waker.nudge()
        waker.wait(descriptor: -1, timeout: 3600)
        // The next wait needs a nudge of its own: here from another thread while it waits.
        let nudger = Task.detached {
            try? await Task.sleep(nanoseconds: 50_000_000)
            waker.nudge()
        }
        await waker.waitAsync(descriptor: -1, timeout: 3600)
        await nudger.value
        waker.stop()
        #expect(waker.isStopped)
        waker.wait(descriptor: -1, timeout: 3600)
        await waker.waitAsync(descriptor: -1, timeout: 3600)
    }

    @Test func withoutAnythingToWakeItTheTimeoutEndsTheWait() {
        let waker = GrowthWaker()
        waker.wait(descriptor: -1, timeout: 0.01)
        #expect(!waker.isStopped)
    }
}
