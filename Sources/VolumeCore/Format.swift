#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Locale-independent formatting shared by the CLI and the dashboard.
public enum Format {
    /// Bytes in binary units with one decimal: `0 B`, `512 B`, `1.5 KiB`, `3.0 GiB`.
    /// A negative count (the engine's `-1`: not measured) is `n/a`.
    public static func bytes(_ n: Int64) -> String {
        if n < 0 { return "n/a" }
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(n) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int64(saturating: (value * 10).rounded())
        if tenths >= 10240 && unit < units.count - 1 {
            return "1.0 \(units[unit + 1])"
        }
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// A transfer's progress line: `VERB: 1.2 GiB of ~2.0 GiB (60%), 85.0 MiB/s, ETA 0:09`; the total, rate and ETA
    /// only where known (the rate after 0.2 s).
    public static func transferProgress(verb: String, bytes: Int64, total: Int64?, elapsed: Double) -> String {
        let rate = elapsed > 0.2 ? Double(max(0, bytes)) / elapsed : 0
        var text = "\(verb): \(Format.bytes(bytes))"
        let total = total.flatMap { $0 > 0 ? $0 : nil }
        if let total {
            let percent = min(100, Int(Double(bytes) / Double(total) * 100))
            text += " of ~\(Format.bytes(total)) (\(percent)%)"
        }
        if rate > 0 { text += ", \(Format.bytes(Int64(min(rate, 1e18))))/s" }
        if let total, rate > 0, bytes < total {
            let seconds = Int(min(1e7, (Double(total - bytes) / rate).rounded(.up)))
            text += ", ETA \(seconds / 60):" + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60)"
        }
        return text
    }

    /// A size state as a table cell: bytes, `-` when not asked for, `n/a` when the engine cannot tell.
    public static func size(_ s: VolumeSize) -> String {
        switch s {
        case .notRequested: return "-"
        case .bytes(let b): return bytes(b)
        case .unknown: return "n/a"
        }
    }

    /// The age of a date relative to `now`, compact: `45s`, `12m`, `3h`, `6d`, `5w`, `2y`.
    public static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "-" }
        let s = max(0, Int64(saturating: now.timeIntervalSince(date)))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86400: return "\(s / 3600)h"
        case ..<(86400 * 14): return "\(s / 86400)d"
        case ..<(86400 * 365): return "\(s / (86400 * 7))w"
        default: return "\(s / (86400 * 365))y"
        }
    }

    /// Seconds until `age` of something `seconds` old reads differently (the next second, minute, hour, day,
    /// week or year boundary), so a clock can redraw exactly when a shown age changes and not more often.
    public static func secondsUntilAgeChanges(_ seconds: Double) -> Double {
        let s = max(0, seconds)
        let unit: Double
        switch s {
        case ..<60: unit = 1
        case ..<3600: unit = 60
        case ..<86400: unit = 3600
        case ..<(86400 * 14): unit = 86400
        case ..<(86400 * 365): unit = 86400 * 7
        default: unit = 86400 * 365
        }
        let left = unit - s.truncatingRemainder(dividingBy: unit)
        return left > 0 ? left : unit
    }

    /// At most `limit` characters of an untrusted text for display, then how much was left out: a label of 50 MB
    /// costs a frame no more than one of 2 KB (only the shown part is sanitized and laid out).
    public static func capped(_ text: String, limit: Int = 2048) -> String {
        guard text.utf8.count > limit else { return text }
        let shown = String(text.prefix(limit))
        let rest = text.utf8.count - shown.utf8.count
        return rest > 0 ? shown + "… (\(rest) more bytes)" : shown
    }

    /// A count with its noun in the right number: `1 file`, `2 files` (`plural` when it is not `noun` + "s").
    public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }

    /// Owners as `2 (1 running, 1 stopped)`, or `0`.
    public static func owners(_ entry: CatalogEntry) -> String {
        let total = entry.owners.count
        guard total > 0 else { return "0" }
        var parts: [String] = []
        if entry.runningOwnerCount > 0 { parts.append("\(entry.runningOwnerCount) running") }
        if entry.stoppedOwnerCount > 0 { parts.append("\(entry.stoppedOwnerCount) stopped") }
        return "\(total) (\(parts.joined(separator: ", ")))"
    }

    /// An anonymous volume's name shortened to 12 characters with a marker, other names unchanged.
    public static func shortName(_ entry: CatalogEntry) -> String { shortName(entry.name) }

    /// A volume name with an anonymous one's 64 hex digits cut to 12 and `…`; in a fleet the engine's prefix stays
    /// (`prod/0123456789ab…`) unless `withEngine` is false.
    public static func shortName(_ name: String, withEngine: Bool = true) -> String {
        let (engine, own) = FleetName.split(name)
        let prefix = withEngine ? engine.map { $0 + "/" } ?? "" : ""
        return prefix + (Volume.looksAnonymous(own) ? String(own.prefix(12)) + "…" : own)
    }
}
