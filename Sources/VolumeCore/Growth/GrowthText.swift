/// How growth reads, in the table, the header, the detail pane and the CLI.
public enum GrowthText {
    /// A rate with its sign: `+10.2 MiB/s`, `-512 B/s`, `0 B/s`; nil (not measurable) is `?`.
    public static func rate(_ bytesPerSecond: Double?) -> String {
        guard let rate = bytesPerSecond, rate.isFinite else { return "?" }
        let rounded = rate.rounded()
        if rounded == 0 { return "0 B/s" }
        let magnitude = Int64(saturating: abs(rounded))
        return (rounded > 0 ? "+" : "-") + Format.bytes(magnitude) + "/s"
    }

    /// A duration as the header says it: `< 1 min`, `~14 min`, `~3 h`, `~2 d`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 { return "< 1 min" }
        if seconds < 5400 { return "~\(Int((seconds / 60).rounded())) min" }
        if seconds < 172_800 { return "~\(Int((seconds / 3600).rounded())) h" }
        let days = seconds / 86_400
        return days >= 1000 ? "> 999 d" : "~\(Int(days.rounded())) d"
    }

    /// The header's disk line: `disk 93 % · full in ~14 min at +10.2 MiB/s`, `disk 41 % · 18.2 GiB free`,
    /// `disk FULL`, or why the disk is not shown.
    public static func disk(_ snapshot: GrowthSnapshot) -> String {
        guard let disk = snapshot.disk else {
            return "disk: " + (snapshot.diskNote.map { Sanitizer.inline($0) } ?? "not known yet")
        }
        let total = snapshot.totalRate
        switch DiskForecast.outlook(freeBytes: disk.freeBytes, bytesPerSecond: total) {
        case .full:
            return "disk FULL (\(disk.usedPercent) %)"
        case .fullIn(let seconds):
            return "disk \(disk.usedPercent) % · full in \(duration(seconds)) at \(rate(total))"
        case .steady:
            return "disk \(disk.usedPercent) % · \(Format.bytes(disk.freeBytes)) free"
        }
    }

    /// A volume's writers in one line: `db, worker`, `may write: db`, `pid 812 (rsync), not in a container`.
    public static func writers(_ growth: VolumeGrowth) -> String {
        guard !growth.writers.isEmpty else { return growth.writersSeen ? "" : "-" }
        let names = growth.writers.map(\.label).joined(separator: ", ")
        return growth.writersSeen ? names : "may write: " + names
    }

    /// The header's alert when a volume grows faster than `threshold` bytes per second, whatever the sort:
    /// `▲ logs +10.2 MiB/s by app`.
    public static func alert(_ snapshot: GrowthSnapshot, threshold: Double = 1_048_576) -> String? {
        guard let (name, growth) = snapshot.fastest, let rate = growth.shortRate, rate >= threshold else { return nil }
        let who =
            growth.writers.isEmpty
            ? ""
            : (growth.writersSeen ? " by " : " (may write: ") + growth.writers.map(\.label).joined(separator: ", ")
                + (growth.writersSeen || growth.writers.isEmpty ? "" : ")")
        return "▲ \(Sanitizer.inline(name)) \(self.rate(rate))\(who)"
    }

    /// A sparkline of sizes: one of `▁▂▃▄▅▆▇█` per point from the smallest to the largest, a space where unknown.
    public static func sparkline(_ points: [Int64?]) -> String {
        let known = points.compactMap { $0 }
        guard let low = known.min(), let high = known.max() else { return String(repeating: " ", count: points.count) }
        let bars = Array("▁▂▃▄▅▆▇█")
        return String(
            points.map { point -> Character in
                guard let point else { return " " }
                guard high > low else { return bars[0] }
                let share = (Double(point) - Double(low)) / (Double(high) - Double(low))
                return bars[min(bars.count - 1, Int(share * Double(bars.count - 1) + 0.5))]
            })
    }
}
