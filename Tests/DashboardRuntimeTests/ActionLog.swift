import VolumeUI

/// Everything a runner sends, in order.
final class ActionLog: Sendable {
    let actions = Shared<[Action]>([])
    func send(_ action: Action) { actions.update { $0.append(action) } }
}
