import Testing

@testable import DashboardRuntime

/// When a written volume is measured completely again: cheap volumes every minute, big ones less often.
@Suite struct RemeasurePlanTests {
    @Test func theFirstMeasurementIsComplete() {
        #expect(RemeasurePlan().isFullDue(now: 0))
    }

    @Test func aCheapVolumeIsWalkedCompletelyEveryMinute() {
        var plan = RemeasurePlan()
        plan.measuredCompletely(at: 100, seconds: 0.05)
        #expect(!plan.isFullDue(now: 101))
        #expect(!plan.isFullDue(now: 159.9))
        #expect(plan.isFullDue(now: 160))
    }

    @Test func aBigVolumeWaitsThirtyTimesItsWalk() {
        var plan = RemeasurePlan()
        // A million files: 4 s to walk, so at most one complete walk every 2 minutes (≤ 1/30 of a core).
        plan.measuredCompletely(at: 100, seconds: 4)
        #expect(!plan.isFullDue(now: 160))
        #expect(!plan.isFullDue(now: 219))
        #expect(plan.isFullDue(now: 220))
    }

    @Test func stateUnusedForFiveMinutesIsIdle() {
        var plan = RemeasurePlan()
        plan.lastUsed = 10
        #expect(!plan.isIdle(now: 309))
        #expect(plan.isIdle(now: 310))
    }
}
