import DashboardRuntime
import VolumeUI

/// A file runtime that only records effects.
final class RecordingFiles: FileEffectHandling {
    let effects = Shared<[Effect]>([])
    func handle(_ effect: Effect) async { effects.update { $0.append(effect) } }
    func shutdown() async {}
}
