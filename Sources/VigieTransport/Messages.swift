/// An HTTP request, as the transport sends it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// May carry a secret (Slack and Discord put it in the path, Teams in `sig=`): never logged as is.
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Overrides the transport's total timeout for this request (a provider's slow export).
    public var timeout: Duration?

    public init(method: String = "POST", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// What a server answered.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    /// At most `Configuration.maxResponseBytes`.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// An SMTP relay and how to reach it.
public struct SMTPRelay: Sendable {
    /// How the connection to the relay is protected.
    public enum Security: String, Sendable {
        /// `smtp://` then STARTTLS, required.
        case starttls
        /// `smtps://`, TLS from the first byte (port 465).
        case implicitTLS = "tls"
        /// No TLS: only for a relay on the same host or network.
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    /// Never logged, never in an error.
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }
}

/// One email, as the SMTP envelope and the RFC 5322 message.
public struct MailSubmission: Sendable {
    public var relay: SMTPRelay
    public var from: String
    public var recipients: [String]
    /// The whole message, headers and body, with CRLF line ends.
    public var message: [UInt8]

    public init(relay: SMTPRelay, from: String, recipients: [String], message: [UInt8]) {
        self.relay = relay
        self.from = from
        self.recipients = recipients
        self.message = message
    }
}
