import NIOCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DockerEngine {
    /// Checks that the engine still answers: `GET /_ping`, reply and body within `seconds`.
    ///
    /// Throws the error that says what is wrong (a `.timeout` one when the engine stopped answering). The
    /// dashboard calls it on the side of the event stream, which is silent for as long as the host is quiet
    /// and so cannot tell a quiet engine from a hung one.
    public func ping(within seconds: Double = 10) async throws {
        let limit: TimeAmount = .nanoseconds(Int64(max(0.001, min(seconds, 3600)) * 1e9))
        let reply = try await http.send(.GET, "/_ping", timeout: limit)
        guard reply.status == 200 || reply.status == 500 else {
            throw failure(reply, "checking that the engine answers (GET /_ping)")
        }
    }
}
