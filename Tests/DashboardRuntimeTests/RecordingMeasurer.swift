import DashboardRuntime

/// A measurer that only records lists.
final class RecordingMeasurer: VolumeMeasuring {
    let lists = Shared<[[String]]>([])
    func measure(_ names: [String]) async { lists.update { $0.append(names) } }
}
