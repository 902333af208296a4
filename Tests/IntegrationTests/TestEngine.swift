import Foundation
import Testing

@testable import VolumeCore

/// The private engine that scripts/test starts, and small tools for tests that use it.
enum TestEngine {
    /// `unix:///…/docker.sock` of the private engine, from scripts/test.
    static let host: String? = ProcessInfo.processInfo.environment["VOLTOP_TEST_HOST"].flatMap { $0.isEmpty ? nil : $0 }
    /// Whether the engine is there to test against.
    static let isAvailable = host != nil
    /// The test image (busybox-static) that scripts/test imports.
    static let image = "voltop-test/busybox:latest"
    /// The test image that declares `VOLUME /declared`.
    static let volumeImage = "voltop-test/withvolume:latest"

    static func endpoint() throws -> EngineEndpoint {
        try EngineEndpoint.parseHost(try #require(host), tls: nil, source: "VOLTOP_TEST_HOST")
    }

    static func connect(readOnly: Bool = false) async throws -> DockerEngine {
        try await DockerEngine.connect(try endpoint(), readOnly: readOnly, environment: [:])
    }

    /// A name unique to this run, so tests can run side by side on one engine.
    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs the docker CLI against the private engine: an independent check of the engine's real state.
    @discardableResult
    static func docker(_ args: [String], check: Bool = true) throws -> (status: Int32, out: String, err: String) {
        try run(dockerCLI, ["-H", try #require(host)] + args, check: check)
    }

    static var dockerCLI: String {
        for path in ["/usr/bin/docker", "/usr/local/bin/docker"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        return "/usr/bin/docker"
    }

    /// Runs a program and returns its status and output.
    @discardableResult
    static func run(_ program: String, _ args: [String], check: Bool = true, environment: [String: String]? = nil, input: String? = nil)
        throws
        -> (status: Int32, out: String, err: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
        if check && result.0 != 0 {
            throw EngineError(.engineFailure, "\(program) \(args.joined(separator: " ")) failed (\(result.0)): \(result.2)")
        }
        return result
    }

    /// Names of the engine's volumes, read with the docker CLI.
    static func volumeNames() throws -> Set<String> {
        Set(try docker(["volume", "ls", "-q"]).out.split(separator: "\n").map(String.init))
    }

    /// Starts a long-running container (`sleep`) with extra `docker run` arguments.
    @discardableResult
    static func runContainer(_ name: String, _ extra: [String], image: String = image) throws -> String {
        try docker(["run", "-d", "--network", "none", "--name", name] + extra + [image, "sleep", "100000"]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates a container and leaves it stopped (created, then run to completion).
    static func stoppedContainer(_ name: String, _ extra: [String]) throws {
        try docker(["run", "--network", "none", "--name", name] + extra + [image, "true"])
    }

    static func removeContainers(_ names: [String]) {
        _ = try? docker(["rm", "-f"] + names, check: false)
    }

    static func removeVolumes(_ names: [String]) {
        _ = try? docker(["volume", "rm", "-f"] + names, check: false)
    }
}

/// Guards against a CI run that silently skips every engine test.
@Suite struct EngineIsThere {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["VOLTOP_REQUIRE_ENGINE"] == "1"))
    func engineAvailableWhenRequired() {
        #expect(TestEngine.isAvailable, "scripts/test requires the private engine, but VOLTOP_TEST_HOST is not set")
    }
}
