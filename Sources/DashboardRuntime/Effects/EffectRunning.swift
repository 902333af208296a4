import VolumeUI

/// What the dashboard loop needs of the effect runner; `EffectRunner` conforms, loop tests record effects instead.
public protocol EffectRunning: Sendable {
    /// Starts one effect in the background; its result comes back as an action.
    func run(_ effect: Effect)
    /// Follows the engine's events for as long as the calling task lives.
    func followEvents() async
}
