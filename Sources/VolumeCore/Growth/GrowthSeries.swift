/// A volume's size over time, compact enough to keep for every volume of a big host, and its growth rates.
///
/// Recent samples (the last `fineSpan` seconds) are kept as measured, so rates over short windows are exact;
/// older ones are thinned to one per `coarseStep` seconds for the sparkline, up to `coarseSpan` seconds back.
/// Runs of an unchanged size collapse to their first and last sample, so a volume that does not change costs
/// two samples however long it is watched. Times are monotonic seconds (any origin); sizes are bytes.
public struct GrowthSeries: Sendable, Equatable {
    /// One measurement: when, and how many bytes.
    public struct Sample: Sendable, Equatable {
        public var time: Double
        public var bytes: Int64
        public init(time: Double, bytes: Int64) {
            self.time = time
            self.bytes = bytes
        }
    }

    /// Samples of the last `fineSpan` seconds, oldest first.
    public private(set) var recent: [Sample] = []
    /// One sample per `coarseStep` seconds before those, oldest first.
    public private(set) var history: [Sample] = []
    /// Seconds of samples kept as measured (the long rate window plus a margin).
    public let fineSpan: Double
    /// Seconds between two kept samples older than `fineSpan`.
    public let coarseStep: Double
    /// Seconds of thinned history kept (the sparkline's reach).
    public let coarseSpan: Double

    /// The short window of GROWTH: about ten seconds.
    public static let shortWindow = 10.0
    /// The long window of GROWTH: about a minute.
    public static let longWindow = 60.0
    /// At most this many recent samples (a measurement more often than every 0.5 s only replaces the last).
    static let maxRecent = 160

    public init(fineSpan: Double = 75, coarseStep: Double = 10, coarseSpan: Double = 600) {
        self.fineSpan = fineSpan
        self.coarseStep = coarseStep
        self.coarseSpan = coarseSpan
    }

    /// The newest sample.
    public var latest: Sample? { recent.last ?? history.last }

    /// Records a measurement. A time earlier than the newest sample is ignored (a stale result); a negative size is
    /// not a measurement.
    public mutating func record(bytes: Int64, at time: Double) {
        guard bytes >= 0, time.isFinite else { return }
        if let last = recent.last, time < last.time { return }
        let count = recent.count
        if count >= 2 {
            let unchanged = recent[count - 1].bytes == bytes && recent[count - 2].bytes == bytes
            let tooClose = time - recent[count - 2].time < 0.5
            if unchanged || tooClose || count >= Self.maxRecent {
                // An unchanged run keeps only its ends; samples closer than 0.5 s keep only the newest.
                recent[count - 1] = Sample(time: time, bytes: bytes)
                thin(now: time)
                return
            }
        }
        recent.append(Sample(time: time, bytes: bytes))
        thin(now: time)
    }

    /// Moves samples older than `fineSpan` into the thinned history and drops history older than `coarseSpan`.
    private mutating func thin(now: Double) {
        // Keep at least two recent samples so a rate over the whole recent span exists.
        while recent.count > 2, let first = recent.first, now - first.time > fineSpan {
            recent.removeFirst()
            if let kept = history.last, first.time - kept.time < coarseStep { continue }
            history.append(first)
        }
        while let first = history.first, now - first.time > coarseSpan { history.removeFirst() }
    }

    /// Bytes per second over the last `window` seconds up to the newest sample (negative: shrinking); nil when the
    /// samples span less than `minimumSpan` seconds (too early to say).
    ///
    /// The size at the window's start is interpolated between the samples around it; early on, when the samples
    /// cover less than the window, the rate is over what they cover.
    public func rate(over window: Double, minimumSpan: Double = 1) -> Double? {
        guard let newest = recent.last, window > 0 else { return nil }
        let all = history + recent
        guard let oldest = all.first, newest.time - oldest.time >= minimumSpan else { return nil }
        let start = newest.time - window
        if start <= oldest.time {
            return (Double(newest.bytes) - Double(oldest.bytes)) / (newest.time - oldest.time)
        }
        // The last sample at or before the start, and the one after it.
        var index = all.count - 1
        while index > 0, all[index].time > start { index -= 1 }
        let before = all[index]
        let after = all[min(index + 1, all.count - 1)]
        var atStart = Double(before.bytes)
        if after.time > before.time {
            let share = (start - before.time) / (after.time - before.time)
            atStart += (Double(after.bytes) - Double(before.bytes)) * share
        }
        return (Double(newest.bytes) - atStart) / window
    }

    /// The sizes for a sparkline: one value per `step` seconds over the last `span` seconds ending at the newest
    /// sample (each the last known size at that time; nil before the first sample).
    public func sparkline(points: Int, span: Double) -> [Int64?] {
        guard points > 0, let newest = latest else { return [] }
        let all = history + recent
        let step = span / Double(points)
        var values: [Int64?] = []
        values.reserveCapacity(points)
        var index = 0
        var known: Int64? = nil
        for point in 0..<points {
            let time = newest.time - span + step * Double(point + 1)
            while index < all.count, all[index].time <= time + 1e-9 {
                known = all[index].bytes
                index += 1
            }
            values.append(known)
        }
        return values
    }
}
