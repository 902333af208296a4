/// Waits (in real time, never asserting on it) until `condition` holds; false if it never did within 10 s.
func eventually(_ condition: @Sendable () -> Bool) async -> Bool {
    for _ in 0..<10_000 {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 1_000_000)
    }
    return condition()
}

/// Lets queued tasks run for a while (to see that nothing more happens).
func settle() async {
    for _ in 0..<20 {
        await Task.yield()
        try? await Task.sleep(nanoseconds: 1_000_000)
    }
}
