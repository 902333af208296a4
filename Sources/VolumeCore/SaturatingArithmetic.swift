/// Saturating arithmetic for untrusted numbers (sizes from the engine, archives and file systems).
///
/// The engine adds sizes in Go, which wraps silently, so `/system/df` can report values near `Int64.max`;
/// Swift traps on overflow. Every sum or difference of untrusted sizes goes through these, and every
/// `Double` that becomes an integer goes through `init(saturating:)`.
extension Int64 {
    /// `self + other`, clamped to `Int64.min...Int64.max` instead of trapping.
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to `Int64.min...Int64.max` instead of trapping.
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, clamped to `Int64.min...Int64.max` instead of trapping.
    public func saturatingMultiply(_ other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// The value rounded toward zero and clamped to the representable range; NaN becomes 0.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {  // 2^63: the first Double above Int64.max
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int64(value)
        }
    }
}

extension Int {
    /// The value rounded toward zero and clamped to the representable range; NaN becomes 0.
    public init(saturating value: Double) {
        self = Int(truncatingIfNeeded: Int64(saturating: value))
    }
}

extension Sequence where Element == Int64 {
    /// The saturating sum of the sizes, negative values (the engine's `-1`, "unknown") counted as 0.
    public func saturatingSizeSum() -> Int64 {
        reduce(0) { $0.saturatingAdd(Swift.max(0, $1)) }
    }
}
