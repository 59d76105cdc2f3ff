import Foundation
import Testing
import VigieCore
import VigieDelivery

@Suite("Message templates")
struct TemplateTests {
    @Test("a channel's own template wins over its type's, and still escapes for its service")
    func overrides() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-templates-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{severity_label}} — {{company}}".write(to: folder.appendingPathComponent("risk-slack.text.mustache"), atomically: true, encoding: .utf8)
        try "Alerte {{company_name}}".write(to: folder.appendingPathComponent("email.subject.mustache"), atomically: true, encoding: .utf8)
        let templates = try MessageTemplates(folder: folder, channelTypes: ["risk-slack": "slack"])
        let content = MessageContent(alert: Fixtures.alert(company: "A&B <!here>"), language: .fr)
        #expect(templates.render("text", channel: "risk-slack", type: "slack", content: content) == "Critique — A&amp;B &lt;!here&gt; (881 843 924)")
        #expect(templates.render("text", channel: "other-slack", type: "slack", content: content).hasPrefix("*A&amp;B &lt;!here&gt; (881 843 924)*"))
        #expect(templates.render("subject", channel: "mail", type: "email", content: content) == "Alerte A&B <!here>")
        #expect(templates.render("html", channel: "mail", type: "email", content: content).contains("A&amp;B &lt;!here&gt;"))
        // Mattermost turns entities into characters: & is written as one.
        #expect(templates.render("text", channel: "team", type: "mattermost", content: content).contains("A&amp;B \\<!here\\>"))
    }

    @Test("a broken template is refused with its file and how to fix it")
    func broken() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-templates-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{#facts}}{{label}}".write(to: folder.appendingPathComponent("slack.text.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: MessageTemplates.Failure.self) { try MessageTemplates(folder: folder) }
    }
}
