import VolumeCore

/// Measures the volumes of a fleet (`ENGINE/name`) with each engine's own probe: direct reads work only for an
/// engine on this host (a local socket, as root); the others keep their engine's figures.
struct FleetProbe: VolumeProbe {
    /// Each engine's probe, by label.
    let probes: [String: any VolumeProbe]

    var isAvailable: Bool { probes.values.contains { $0.isAvailable } }
    var walkThreads: Int { probes.values.map(\.walkThreads).max() ?? 1 }

    /// The probe of a qualified name's engine, when it can read directly, and the engine's own name.
    private func route(_ name: String) -> (probe: any VolumeProbe, name: String)? {
        let (label, own) = FleetName.split(name)
        guard let label, let probe = probes[label], probe.isAvailable else { return nil }
        return (probe, own)
    }

    func diskUsage(of name: String) async throws -> Int64? {
        guard let (probe, own) = route(name) else { return nil }
        return try await probe.diskUsage(of: own)
    }

    func measure(_ name: String) async throws -> VolumeMeasurement? {
        guard let (probe, own) = route(name) else { return nil }
        return try await probe.measure(own)
    }

    func passEnded() async {
        for probe in probes.values where probe.isAvailable { await probe.passEnded() }
    }

    func writtenVolumes() async throws -> Set<String> {
        var all = Set<String>()
        for (label, probe) in probes where probe.isAvailable {
            for name in try await probe.writtenVolumes() { all.insert(FleetName.qualified(name, engine: label)) }
        }
        return all
    }
}
