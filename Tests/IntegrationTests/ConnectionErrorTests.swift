import Foundation
import Testing

@testable import VolumeCore

#if canImport(Glibc)
    import Glibc
#endif

/// Engine down, stale sockets and closed ports; these need no engine at all.
@Suite struct ConnectionErrorTests {
    @Test func missingSocket() async throws {
        let path = NSTemporaryDirectory() + TestEngine.unique("nosock") + ".sock"
        let endpoint = try EngineEndpoint.parseHost("unix://" + path, tls: nil, source: "--host")
        let error = await #expect(throws: EngineError.self) { try await DockerEngine.connect(endpoint, environment: [:]) }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("does not exist") == true)
        #expect(error?.message.contains("unix://" + path) == true)
        #expect(error?.message.contains("found via --host") == true)
    }

    @Test func staleSocketIsRefused() async throws {
        let dir = try TempSocketDir()
        let path = dir.path + "/stale.sock"
        try UnixListener.bindOnly(path)  // a socket file with nobody listening
        let endpoint = try EngineEndpoint.parseHost("unix://" + path, tls: nil, source: "DOCKER_HOST")
        let error = await #expect(throws: EngineError.self) { try await DockerEngine.connect(endpoint, environment: [:]) }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("refused") == true)
    }

    @Test func closedTCPPort() async throws {
        let endpoint = try EngineEndpoint.parseHost("tcp://127.0.0.1:1", tls: nil, source: "--host")
        let error = await #expect(throws: EngineError.self) { try await DockerEngine.connect(endpoint, environment: [:]) }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains("tcp://127.0.0.1:1") == true)
    }

    @Test(.enabled(if: TestEngine.isAvailable)) func apiVersionTooOld() async throws {
        let error = await #expect(throws: EngineError.self) {
            try await DockerEngine.connect(try TestEngine.endpoint(), environment: ["DOCKER_API_VERSION": "1.30"])
        }
        #expect(error?.code == .unsupportedAPIVersion)
    }
}

/// A private temporary directory for sockets (short path, removed afterwards).
final class TempSocketDir {
    let path: String
    init(mode: mode_t = 0o700) throws {
        path = "/tmp/vts-" + UUID().uuidString.prefix(8).lowercased()
        guard mkdir(path, mode) == 0 else { throw EngineError(.engineFailure, "mkdir \(path) failed") }
        chmod(path, mode)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Minimal unix sockets for tests: a bound socket file, optionally listening.
enum UnixListener {
    /// Binds a socket at the path and closes it again, leaving a stale socket file.
    static func bindOnly(_ path: String) throws {
        let fd = try bound(path)
        close(fd)
    }

    /// A listening socket at the path with the given file mode; the caller closes it.
    static func listening(_ path: String, mode: mode_t) throws -> Int32 {
        let fd = try bound(path)
        guard listen(fd, 4) == 0 else { throw EngineError(.engineFailure, "listen failed") }
        chmod(path, mode)
        return fd
    }

    private static func bound(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw EngineError(.engineFailure, "bind \(path) failed: \(errno)") }
        return fd
    }
}
