/// The state of the engine's event stream, as the dashboard shows it.
public enum EventStreamStatus: Sendable, Equatable {
    /// Connected; changes appear live.
    case connected
    /// The stream dropped; the dashboard retries after `retryIn` seconds.
    case disconnected(reason: String, retryIn: Double)
}
