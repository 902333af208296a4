import Foundation
import Testing

@testable import VolumeCore

/// TCP with TLS against the private engine, which scripts/test also starts on 127.0.0.1 with --tlsverify.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["VOLTOP_TEST_TLS_HOST"] != nil))
struct TLSTests {
    static let env = ProcessInfo.processInfo.environment
    static var host: String { env["VOLTOP_TEST_TLS_HOST"] ?? "" }
    static var certs: String { env["VOLTOP_TEST_CERT_PATH"] ?? "" }

    @Test func verifiedTLSFromTheEnvironment() async throws {
        let endpoint = try EngineEndpoint.resolve(environment: [
            "HOME": "/nonexistent", "DOCKER_HOST": Self.host, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": Self.certs
        ])
        guard case .tcp(_, _, let tls?) = endpoint.transport else {
            Issue.record("DOCKER_TLS_VERIFY must give a TLS endpoint, got \(endpoint.transport)")
            return
        }
        #expect(tls.verify)
        let engine = try await DockerEngine.connect(endpoint, environment: [:])
        #expect(!engine.endpoint.isLocal)
        #expect(engine.info.flavor == "docker")
        let name = TestEngine.unique("tls")
        _ = try await engine.createVolume(VolumeCreateRequest(name: name))
        #expect(try await engine.volumes().contains { $0.name == name })
        try await engine.removeVolume(name)
    }

    @Test func withoutAClientCertificateTheEngineRefuses() async throws {
        // Only the CA: the server demands a client certificate, so the handshake fails.
        let dir = try TempSocketDir(mode: 0o700)
        try FileManager.default.copyItem(atPath: Self.certs + "/ca.pem", toPath: dir.path + "/ca.pem")
        let endpoint = try EngineEndpoint.parseHost(Self.host, tls: .init(verify: true, certDirectory: dir.path), source: "--host")
        let error = await #expect(throws: EngineError.self) { try await DockerEngine.connect(endpoint, environment: [:]) }
        #expect(error?.code == .unreachable)
        #expect(error?.message.contains(Self.host) == true)
        #expect(error?.message.contains("TLS handshake") == true, "\(String(describing: error))")
    }

    @Test func theCLIOverTLS() throws {
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = Self.host
        env["DOCKER_TLS_VERIFY"] = "1"
        env["DOCKER_CERT_PATH"] = Self.certs
        let r = try TestEngine.run(CLITests.binary, ["ls", "-q"], check: false, environment: env)
        #expect(r.status == 0, "stderr: \(r.err)")
        // a missing certificate directory is a clear error, not a crash
        env["DOCKER_CERT_PATH"] = "/nonexistent-certs"
        let bad = try TestEngine.run(CLITests.binary, ["ls"], check: false, environment: env)
        #expect(bad.status != 0)
        #expect(!bad.err.contains("Fatal error"))
    }

    /// `https://` is TLS even with no DOCKER_TLS* variable (it was plain HTTP): verified against the system trust
    /// store, which does not hold the test CA, so the handshake is refused instead of falling back to plain text.
    @Test func httpsMeansVerifiedTLS() async throws {
        let https = Self.host.replacingOccurrences(of: "tcp://", with: "https://")
        let endpoint = try EngineEndpoint.resolve(environment: ["HOME": "/nonexistent", "DOCKER_HOST": https])
        guard case .tcp(_, _, let tls?) = endpoint.transport else {
            Issue.record("https:// must give a TLS endpoint, got \(endpoint.transport)")
            return
        }
        #expect(tls.verify)
        #expect(endpoint.insecureTLSWarning == nil)
        let error = await #expect(throws: EngineError.self) { try await DockerEngine.connect(endpoint, environment: [:]) }
        #expect(error?.message.contains("TLS") == true, "\(String(describing: error))")
    }

    /// Unverified TLS (DOCKER_TLS without DOCKER_TLS_VERIFY) works as the docker CLI's --tls does, but says so on
    /// every run.
    @Test func unverifiedTLSWarnsOnEveryRun() throws {
        var env = ProcessInfo.processInfo.environment
        env["DOCKER_HOST"] = Self.host
        env["DOCKER_TLS"] = "1"
        env["DOCKER_TLS_VERIFY"] = nil
        env["DOCKER_CERT_PATH"] = Self.certs
        for _ in 0..<2 {
            let r = try TestEngine.run(CLITests.binary, ["ls", "-q"], check: false, environment: env)
            #expect(r.status == 0, "stderr: \(r.err)")
            #expect(r.err.contains("not verified") && r.err.contains("DOCKER_TLS_VERIFY"), "stderr: \(r.err)")
        }
        env["DOCKER_TLS_VERIFY"] = "1"
        let verified = try TestEngine.run(CLITests.binary, ["ls", "-q"], check: false, environment: env)
        #expect(verified.status == 0 && !verified.err.contains("not verified"), "stderr: \(verified.err)")
    }
}
