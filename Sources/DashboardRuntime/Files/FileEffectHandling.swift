import VolumeUI

/// Carries out the file-tree pane's effects (`.openFiles`, `.rescanFiles`, …) in the order they were emitted.
public protocol FileEffectHandling: Sendable {
    /// Handles one file effect; returns once it is started.
    func handle(_ effect: Effect) async
    /// The dashboard quits: drop queued effects and close what is open.
    func shutdown() async
}
