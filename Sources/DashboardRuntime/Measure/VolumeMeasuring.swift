/// Measures volumes for the SIZE column; `SizeMeasurer` conforms.
public protocol VolumeMeasuring: Sendable {
    /// Measures `names` in this order (rows on screen first), replacing the previous list.
    func measure(_ names: [String]) async
}
