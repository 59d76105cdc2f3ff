import Foundation
import Logging
import ServiceLifecycle
import Testing
import VigieCore
import VigieRuntime
import VigieTestSupport

@Suite("Configuration and the service")
struct ConfigurationTests {
    @Test("a configuration file is read with its defaults")
    func parse() throws {
        let text = """
            state_dir: /var/lib/vigie
            watchlists: [lists/a.yaml, lists/erp]
            interval: 15m
            providers:
              fixture:
                scenario: scenarios/demo
            channels:
              log:
                path: /var/log/vigie/alerts.jsonl
              terminal:
                enabled: false
            """
        let configuration = try VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/etc/vigie")).get()
        #expect(configuration.storePath == "/var/lib/vigie/vigie.sqlite")
        #expect(configuration.watchlists == ["lists/a.yaml", "lists/erp"])
        #expect(configuration.resolve("lists/a.yaml").path == "/etc/vigie/lists/a.yaml")
        #expect(configuration.poller.interval == .seconds(900))
        #expect(configuration.logPath == "/var/log/vigie/alerts.jsonl")
        #expect(configuration.terminal.enabled == false)
    }

    @Test("configuration problems name file and line", arguments: [
        ("intervall: 5m\n", "vigie.yaml:1: intervall: unknown key; did you mean \"interval\"?"),
        ("state_dir: x\ninterval: soon\n", "vigie.yaml:2: interval: \"soon\" is not a duration; write it like 900, 30s, 15m or 1h"),
        ("channels:\n  log:\n    enabled: maybe\n", "vigie.yaml:3: enabled: expected true or false"),
        ("channels:\n  alerts:\n    url: x\n", "vigie.yaml:2: alerts: type must be one of webhook, slack, teams, mattermost, discord, email"),
        ("channels:\n  risk:\n    type: slack\n    url_env: VIGIE_TEST_UNSET_VARIABLE\n", "vigie.yaml:4: url_env: the environment variable VIGIE_TEST_UNSET_VARIABLE is not set"),
        ("channels:\n  signed:\n    type: webhook\n    url: http://127.0.0.1/hook\n    secret: not-base64!\n", "vigie.yaml:2: signed: the webhook secret is not a Standard Webhooks secret"),
        ("delivery:\n  retry:\n    max_atempts: 3\n", "vigie.yaml:3: max_atempts: unknown key; did you mean \"max_attempts\"?"),
        ("watchlists: [a, b\n", "vigie.yaml:2: YAML syntax"),
    ])
    func problems(text: String, expected: String) {
        switch VigieConfiguration.parse(text, file: "vigie.yaml", root: URL(fileURLWithPath: "/")) {
        case .success: Issue.record("accepted: \(text)")
        case .failure(let error): #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("on graceful shutdown the poller finishes its cycle and returns")
    func gracefulShutdown() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-service-\(UUID())")
        defer { try? FileManager.default.removeItem(at: state) }
        var configuration = VigieConfiguration(root: SharedData.repositoryRoot)
        configuration.stateDirectory = state.path
        configuration.terminal.enabled = false
        configuration.poller.interval = .seconds(3600)
        let application = try VigieApplication(configuration: configuration, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [application.pollerService()], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Wait for the first cycle to commit, then ask for shutdown during the hour-long wait.
            while try await application.store.cursor(for: "feed:bodacc") == nil { try await Task.sleep(for: .milliseconds(20)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await application.store.cursor(for: "feed:bodacc") == "1", "one cycle ran, and no other")
        #expect(try await application.store.alerts(since: nil, limit: nil).count == 2)
    }
}
