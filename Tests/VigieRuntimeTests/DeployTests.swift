import Foundation
import Testing
import VigieTestSupport

/// deploy/ checked with the tools of the platforms it targets (`Tests/Support/check_deploy.py`):
/// no service manager, image builder or cluster runs here, so these are the checks a platform
/// team would run before shipping.
@Suite("deploy/")
struct DeployTests {
    static let root = RepositoryData.repositoryRoot
    static var binary: String { CrashRecoveryTests.binary }

    /// The checker's problems, one per line; none when the file passes.
    static func problems(_ arguments: [String]) throws -> [String] {
        let output = try TestServer.run("check_deploy.py", arguments: arguments, allowFailure: true)
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// A copy of a shipped file with `edit` applied, in a temporary folder.
    static func broken(_ path: String, _ edit: (String) -> String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-deploy-\(UUID())-\((path as NSString).lastPathComponent)")
        try edit(text).write(to: copy, atomically: true, encoding: .utf8)
        return copy.path
    }

    @Test("the systemd unit passes systemd-analyze verify, exposure at most 2.0, hardened, secrets outside it")
    func systemdUnit() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let unit = Self.root.appendingPathComponent("deploy/systemd/vigie.service").path
        #expect(try Self.problems(["systemd", unit, Self.binary]) == [])
    }

    @Test("the systemd check fails on a unit that lost its hardening or has a typo")
    func systemdCheckCanFail() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let unit = try Self.broken("deploy/systemd/vigie.service") {
            $0.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystm=strict")
                .replacingOccurrences(of: "NoNewPrivileges=yes\n", with: "")
        }
        defer { try? FileManager.default.removeItem(atPath: unit) }
        let problems = try Self.problems(["systemd", unit, Self.binary])
        #expect(problems.contains { $0.contains("Unknown key 'ProtectSystm'") })
        #expect(problems.contains("NoNewPrivileges=yes is missing"))
    }

    @Test("the Containerfile: multi-stage, non-root, a state volume, sources present, every library vigie links installed")
    func containerfile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let file = Self.root.appendingPathComponent("deploy/container/Containerfile").path
        #expect(try Self.problems(["container", file, Self.root.path, Self.binary]) == [])
    }

    @Test("the container check fails on a root image missing libcurl or copying what the repository lacks")
    func containerCheckCanFail() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let file = try Self.broken("deploy/container/Containerfile") {
            $0.replacingOccurrences(of: "libcurl4 libsqlite3-0", with: "libsqlite3-0")
                .replacingOccurrences(of: "USER 10001:10001", with: "USER root")
                .replacingOccurrences(of: "COPY Sources ./Sources", with: "COPY Source ./Sources")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let problems = try Self.problems(["container", file, Self.root.path, Self.binary])
        #expect(problems.contains { $0.contains("libcurl.so.4 (libcurl4), not installed") })
        #expect(problems.contains { $0.contains("runs as root") })
        #expect(problems.contains { $0.contains("COPY source Source is not in the repository") })
    }

    @Test("deploy/kubernetes: valid against the Kubernetes schemas, three hardened replicas, secrets from a Secret, a vigie.yaml that passes config check")
    func kubernetes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        #expect(try Self.problems(["kubernetes", Self.root.appendingPathComponent("deploy/kubernetes").path, Self.binary]) == [])
    }

    @Test("the Kubernetes check fails on one replica, a writable root, a database URL in the manifest, a typo in vigie.yaml")
    func kubernetesCheckCanFail() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build vigie first (scripts/test does)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-k8s-\(UUID())")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("deploy/kubernetes"), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        func edit(_ name: String, _ change: (String) -> String) throws {
            let file = folder.appendingPathComponent(name)
            try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        }
        try edit("deployment.yaml") {
            $0.replacingOccurrences(of: "replicas: 3", with: "replicas: 1")
                .replacingOccurrences(of: "readOnlyRootFilesystem: true", with: "readOnlyRootFilesystem: false")
                .replacingOccurrences(of: "          envFrom:\n            - secretRef:\n                name: vigie\n          volumeMounts:\n            - name: config\n              mountPath: /etc/vigie\n              readOnly: true\n            - name: state",
                                      with: "          env:\n            - name: VIGIE_DATABASE_URL\n              value: postgres://vigie:pw@db/vigie\n          volumeMounts:\n            - name: config\n              mountPath: /etc/vigie\n              readOnly: true\n            - name: state")
        }
        try edit("configmap.yaml") { $0.replacingOccurrences(of: "      claim_timeout: 5m", with: "      claim_timeot: 5m") }
        let problems = try Self.problems(["kubernetes", folder.path, Self.binary])
        #expect(problems.contains { $0.contains("1 replica") })
        #expect(problems.contains { $0.contains("container vigie: the root filesystem is writable") })
        #expect(problems.contains { $0.contains("VIGIE_DATABASE_URL is written in the manifest") })
        #expect(problems.contains { $0.contains("claim_timeot: unknown key") })
    }
}
