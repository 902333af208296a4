import Foundation
import Testing

@testable import VolumeCore

@Suite struct EndpointTests {
    @Test(
        arguments: [
            ("unix:///run/x.sock", .unix(path: "/run/x.sock")),
            ("unix://", .unix(path: "/var/run/docker.sock")),
            ("tcp://10.1.2.3:2375", .tcp(host: "10.1.2.3", port: 2375, tls: nil)),
            ("tcp://example.com", .tcp(host: "example.com", port: 2375, tls: nil)),
            ("example.com:1234", .tcp(host: "example.com", port: 1234, tls: nil)),
            ("tcp://[::1]:2375", .tcp(host: "::1", port: 2375, tls: nil))
        ] as [(String, EngineEndpoint.Transport)])
    func parsesHosts(raw: String, expected: EngineEndpoint.Transport) throws {
        #expect(try EngineEndpoint.parseHost(raw, tls: nil, source: "test").transport == expected)
    }

    @Test func httpsIsVerifiedTLSAndUnverifiedTLSWarns() throws {
        let https = try EngineEndpoint.parseHost("https://engine.example:2376", tls: nil, source: "t")
        #expect(https.transport == .tcp(host: "engine.example", port: 2376, tls: .init(verify: true, certDirectory: nil)))
        #expect(https.insecureTLSWarning == nil)
        let plain = try EngineEndpoint.resolve(environment: ["HOME": "/nonexistent", "DOCKER_HOST": "tcp://h:2375"])
        #expect(plain.insecureTLSWarning == nil)
        let loose = try EngineEndpoint.resolve(environment: ["HOME": "/nonexistent", "DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS": "1"])
        #expect(loose.insecureTLSWarning?.contains("DOCKER_TLS is set without DOCKER_TLS_VERIFY") == true)
        let strict = try EngineEndpoint.resolve(environment: [
            "HOME": "/nonexistent", "DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS": "1", "DOCKER_TLS_VERIFY": "1"
        ])
        #expect(strict.insecureTLSWarning == nil)
        let home = try TempDir()
        let config = home.path + "/.docker"
        try writeContext(config: config, name: "skip", host: "tcp://10.9.9.9:2376", skipTLSVerify: true)
        let skip = try EngineEndpoint.resolve(context: "skip", environment: ["HOME": home.path])
        #expect(skip.insecureTLSWarning?.contains("SkipTLSVerify") == true)
    }

    @Test func rejectsBadHosts() {
        #expect(throws: EngineError.self) { try EngineEndpoint.parseHost("tcp://h:99999", tls: nil, source: "t") }
        #expect(throws: EngineError.self) { try EngineEndpoint.parseHost("ftp://h", tls: nil, source: "t") }
        let ssh = try? EngineEndpoint.parseHost("ssh://me@h:2222", tls: nil, source: "t")
        #expect(ssh?.transport == .ssh(SSHDialer.Target(user: "me", host: "h", port: 2222)))
        #expect(ssh?.address == "ssh://me@h:2222")
        #expect(ssh?.isLocal == false)
        let password = #expect(throws: EngineError.self) { try EngineEndpoint.parseHost("ssh://me:secret@h", tls: nil, source: "t") }
        #expect(password?.message.contains("ssh-agent") == true)
    }

    @Test func precedenceFollowsTheDockerCLI() throws {
        let home = try TempDir()
        let config = home.path + "/.docker"
        try writeContext(config: config, name: "ctx-a", host: "unix:///ctx-a.sock")
        try writeContext(config: config, name: "ctx-b", host: "tcp://10.9.9.9:2376")
        try Data(#"{"currentContext":"ctx-a"}"#.utf8).write(to: URL(fileURLWithPath: config + "/config.json"))
        let env = ["HOME": home.path]

        // currentContext in config.json
        var e = try EngineEndpoint.resolve(environment: env)
        #expect(e.transport == .unix(path: "/ctx-a.sock"))
        #expect(e.contextName == "ctx-a")
        // DOCKER_CONTEXT beats config.json
        e = try EngineEndpoint.resolve(environment: env.merging(["DOCKER_CONTEXT": "ctx-b"]) { $1 })
        #expect(e.transport == .tcp(host: "10.9.9.9", port: 2376, tls: nil))
        // DOCKER_HOST beats DOCKER_CONTEXT, as the CLI's code does
        e = try EngineEndpoint.resolve(environment: env.merging(["DOCKER_CONTEXT": "ctx-b", "DOCKER_HOST": "unix:///h.sock"]) { $1 })
        #expect(e.transport == .unix(path: "/h.sock"))
        #expect(e.source == "DOCKER_HOST")
        // --host beats DOCKER_HOST; --context beats everything
        e = try EngineEndpoint.resolve(host: "unix:///flag.sock", environment: env.merging(["DOCKER_HOST": "unix:///h.sock"]) { $1 })
        #expect(e.transport == .unix(path: "/flag.sock"))
        e = try EngineEndpoint.resolve(context: "ctx-b", environment: env.merging(["DOCKER_HOST": "unix:///h.sock"]) { $1 })
        #expect(e.transport == .tcp(host: "10.9.9.9", port: 2376, tls: nil))
        // both flags is an error
        #expect(throws: EngineError.self) { try EngineEndpoint.resolve(host: "unix:///a", context: "ctx-a", environment: env) }
        // an unknown context says so
        let missing = #expect(throws: EngineError.self) { try EngineEndpoint.resolve(context: "nope", environment: env) }
        #expect(missing?.code == .notFound)
        // the default context ignores currentContext
        e = try EngineEndpoint.resolve(context: "default", environment: env)
        #expect(e.transport == .unix(path: "/var/run/docker.sock"))
    }

    @Test func defaultHasRootlessAndPodmanFallbacks() throws {
        let e = try EngineEndpoint.resolve(environment: ["HOME": "/nonexistent", "XDG_RUNTIME_DIR": "/run/user/1000"])
        #expect(e.transport == .unix(path: "/var/run/docker.sock"))
        #expect(
            e.fallbackSockets == [
                "/run/user/1000/docker.sock", "/nonexistent/.docker/run/docker.sock", "/run/podman/podman.sock",
                "/run/user/1000/podman/podman.sock"
            ])
    }

    @Test func tlsFromEnvironment() throws {
        let e = try EngineEndpoint.resolve(environment: [
            "HOME": "/h", "DOCKER_TLS_VERIFY": "0", "DOCKER_HOST": "tcp://box:2376", "DOCKER_CERT_PATH": "/certs"
        ])
        #expect(e.transport == .tcp(host: "box", port: 2376, tls: .init(verify: true, certDirectory: "/certs")))
        let d = try EngineEndpoint.resolve(environment: ["HOME": "/h", "DOCKER_TLS_VERIFY": "1"])
        #expect(d.transport == .tcp(host: "localhost", port: 2376, tls: .init(verify: true, certDirectory: "/h/.docker")))
    }

    func writeContext(config: String, name: String, host: String, skipTLSVerify: Bool = false) throws {
        let dir = config + "/contexts/meta/" + String(name.hashValue, radix: 16).replacingOccurrences(of: "-", with: "m")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let meta = #"{"Name":"\#(name)","Metadata":{},"Endpoints":{"docker":{"Host":"\#(host)","SkipTLSVerify":\#(skipTLSVerify)}}}"#
        try Data(meta.utf8).write(to: URL(fileURLWithPath: dir + "/meta.json"))
    }
}

/// A temporary directory removed when the value goes away.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "voltop-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
