/// How long until a filesystem is full at a growth rate.
public enum DiskForecast {
    /// What the header says about the disk.
    public enum Outlook: Sendable, Equatable {
        /// Nothing left.
        case full
        /// Full in about this many seconds at the current growth.
        case fullIn(seconds: Double)
        /// Not filling: no growth, shrinking, or nothing measured.
        case steady
    }

    /// The outlook for `freeBytes` left at `bytesPerSecond` (a negative free count is a full disk; a rate that is not
    /// a finite positive number never fills it).
    public static func outlook(freeBytes: Int64, bytesPerSecond: Double?) -> Outlook {
        if freeBytes <= 0 { return .full }
        guard let rate = bytesPerSecond, rate.isFinite, rate > 0 else { return .steady }
        return .fullIn(seconds: Double(freeBytes) / rate)
    }
}
