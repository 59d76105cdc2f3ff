import Foundation
import Mustache

/// The words of each message, as Mustache templates: built-in defaults, overridden by files in
/// `alerts/templates/` named `<channel>.<part>.mustache` (one channel) or `<type>.<part>.mustache`
/// (every channel of a type). Parts: `subject`, `text` and `html` for `email`; `text` for
/// `slack`, `teams`, `mattermost` and `discord`.
///
/// Values are escaped by the template engine for the channel they go to: HTML for the email's
/// HTML part, Slack's `& < >` for Slack, Markdown (mentions defused) for the others, nothing for
/// plain text. A template cannot forget to escape what a court or a company wrote.
public struct MessageTemplates: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let library: MustacheLibrary
    /// Templates read from files, by name.
    private let custom: Set<String>

    /// The built-in templates alone.
    public static let defaults = try! MessageTemplates(folder: nil)

    /// - Parameter channelTypes: each channel's type (`risk-slack` → `slack`), so that a
    ///   channel's own templates escape for its service.
    public init(folder: URL?, channelTypes: [String: String] = [:]) throws {
        ContentTypes.register
        var library = MustacheLibrary()
        var custom: Set<String> = []
        for (name, text) in Self.builtIn {
            library.register(try MustacheTemplate(string: Self.pragma(for: name, channelTypes: [:]) + text), named: name)
        }
        if let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for file in names.sorted() where file.hasSuffix(".mustache") {
                let name = String(file.dropLast(".mustache".count))
                let path = folder.appendingPathComponent(file).path
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw Failure(description: "\(path): cannot be read; check its permissions")
                }
                do {
                    library.register(try MustacheTemplate(string: Self.pragma(for: name, channelTypes: channelTypes) + text), named: name)
                    custom.insert(name)
                } catch {
                    throw Failure(description: "\(path): not a valid Mustache template (\(error)); check that every {{#section}} has its {{/section}}")
                }
            }
        }
        self.library = library
        self.custom = custom
    }

    /// Whether a file in the templates folder overrides `part` for this channel or its type.
    public func isCustom(_ part: String, channel: String, type: String) -> Bool {
        !custom.isDisjoint(with: ["\(channel).\(part)", "\(type).\(part)"])
    }

    /// Renders `part` for a channel: its own template, else its type's.
    public func render(_ part: String, channel: String, type: String, content: MessageContent) -> String {
        let context = content.templateContext
        for name in ["\(channel).\(part)", "\(type).\(part)"] where library.getTemplate(named: name) != nil {
            return library.render(context, withTemplate: name) ?? ""
        }
        return ""
    }

    /// The content type, and so the escaping, a template's output needs: from the template's
    /// type (`slack.text`) or its channel's (`risk-slack.text`).
    static func pragma(for name: String, channelTypes: [String: String]) -> String {
        let prefix = String(name.split(separator: ".").first ?? "")
        let part = String(name.split(separator: ".").last ?? "")
        let type = channelTypes[prefix] ?? prefix
        let content = switch (type, part) {
        case ("email", "html"): "HTML"
        case ("email", _): "TEXT"
        case ("slack", _): "SLACK"
        case ("teams", _): "TEAMS"
        case ("mattermost", _): "MATTERMOST"
        default: "MARKDOWN"
        }
        return "{{% CONTENT_TYPE: \(content)}}"
    }

    static let builtIn: [String: String] = [
        "email.subject": "[Vigie] {{severity_label}} · {{company_name}} · {{title}}",
        "email.text": """
            {{headline}}
            {{#status}}

            {{status}}
            {{/status}}

            {{#facts}}
            {{label}}: {{value}}
            {{/facts}}
            {{#court_text}}

            {{court_text}}
            {{/court_text}}
            {{#evidence_url}}

            {{evidence_url}}
            {{/evidence_url}}
            """,
        "email.html": """
            <!doctype html><html><body style="font-family: sans-serif">
            <h2 style="color: #{{colour}}">{{severity_label}} · {{title}}</h2>
            <p><strong>{{company}}</strong></p>
            {{#status}}<p><em>{{status}}</em></p>{{/status}}
            <table>{{#facts}}<tr><th align="left">{{label}}</th><td>{{value}}</td></tr>{{/facts}}</table>
            {{#court_text}}<blockquote>{{court_text}}</blockquote>{{/court_text}}
            {{#evidence_url}}<p><a href="{{evidence_url}}">{{evidence_url}}</a></p>{{/evidence_url}}
            </body></html>
            """,
        "slack.text": """
            *{{company}}*
            {{#status}}
            _{{status}}_
            {{/status}}
            {{#facts}}
            *{{label}}*: {{value}}
            {{/facts}}
            {{#court_text}}
            > {{court_text}}
            {{/court_text}}
            {{#evidence_url}}
            <{{evidence_url}}|BODACC>
            {{/evidence_url}}
            """,
        "mattermost.text": """
            #### {{headline}}
            {{#status}}_{{status}}_
            {{/status}}| | |
            |:--|:--|
            {{#facts}}
            | {{label}} | {{value}} |
            {{/facts}}
            {{#court_text}}> {{court_text}}
            {{/court_text}}{{#evidence_url}}{{{evidence_url}}}{{/evidence_url}}
            """,
        "teams.text": "{{company}}{{#status}}\n\n{{status}}{{/status}}{{#court_text}}\n\n{{court_text}}{{/court_text}}",
        "discord.text": "{{company}}{{#status}}\n\n{{status}}{{/status}}{{#court_text}}\n\n{{court_text}}{{/court_text}}",
    ]
}

/// The escaping of each chat service, as Mustache content types.
enum ContentTypes {
    struct Slack: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.slack(text) }
    }

    struct Markdown: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.markdown(text) }
    }

    struct Mattermost: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.mattermost(text) }
    }

    struct Teams: MustacheContentType {
        func escapeText(_ text: String) -> String { Escape.teams(text) }
    }

    /// Registered once, before the first template is parsed.
    static let register: Void = {
        MustacheContentTypes.register(Slack(), named: "SLACK")
        MustacheContentTypes.register(Markdown(), named: "MARKDOWN")
        MustacheContentTypes.register(Mattermost(), named: "MATTERMOST")
        MustacheContentTypes.register(Teams(), named: "TEAMS")
    }()
}

extension MessageContent {
    /// What templates can name.
    var templateContext: [String: Any] {
        var context: [String: Any] = [
            "severity": severity.rawValue, "severity_label": severityLabel, "company": company, "company_name": companyName,
            "title": title, "headline": headline, "colour": String(severity.colour, radix: 16),
            "facts": facts.map { ["label": $0.label, "value": $0.value] },
        ]
        if let status { context["status"] = status }
        if let courtText { context["court_text"] = courtText }
        if let evidenceURL { context["evidence_url"] = evidenceURL }
        return context
    }
}
