import Foundation
import PostgresNIO
import VigieCore

/// Where a PostgreSQL store is, read from a `postgres://` URL as libpq takes it (user,
/// password, host, port, database, `sslmode`, `sslrootcert`). The password is kept for the
/// connection only: `description` never shows it, so the location can go in logs and errors.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP: loopback or a private network only.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, the certificate checked against the trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of trust roots for `verify-full` (`sslrootcert`); the system's otherwise.
    public var rootCertificates: String?

    /// Reads a URL; `origin` says where it came from (`store.url_env VIGIE_DATABASE_URL`) for
    /// errors, which never repeat the URL itself: it may hold a password.
    public init(url text: String, origin: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StoreFailure(description: "\(origin): not a PostgreSQL URL; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=verify-full")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreFailure(description: "\(origin): the URL names no host; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreFailure(description: "\(origin): the URL names no user; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw StoreFailure(description: "\(origin): the URL names no database; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        guard (1...65_535).contains(components.port ?? 5432) else {
            throw StoreFailure(description: "\(origin): the URL's port is not between 1 and 65535")
        }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        tls = .prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StoreFailure(description: "\(origin): sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                rootCertificates = item.value
            default:
                throw StoreFailure(description: "\(origin): unknown URL parameter \(item.name); Vigie reads sslmode and sslrootcert")
            }
        }
    }

    /// The same server, another database: tests make one database each.
    public func database(_ name: String) -> PostgresLocation {
        var copy = self
        copy.database = name
        return copy
    }

    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// postgres-nio's settings for this location: a client of its own (tests, tools) connects
    /// the way the store does.
    public func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: try clientTLS())
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The same settings for one connection outside the pool: opening a store first connects
    /// once, so that a server down, a wrong password or a TLS refusal is said at once, not after
    /// the pool has retried for a minute.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch try tlsSettings() {
        case nil: .disable
        case let (required, settings)?: required ? .require(try NIOSSLContext(configuration: settings)) : .prefer(try NIOSSLContext(configuration: settings))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Connects once and closes: throws what stops a connection.
    func checkReachable(logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: try connectionConfiguration(), id: 0, logger: logger)
        try await connection.close()
    }

    private func clientTLS() throws -> PostgresClient.Configuration.TLS {
        switch try tlsSettings() {
        case nil: .disable
        case let (required, settings)?: required ? .require(settings) : .prefer(settings)
        }
    }

    /// Whether TLS is required, and how certificates are checked; nil without TLS.
    private func tlsSettings() throws -> (required: Bool, TLSConfiguration)? {
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        switch tls {
        case .disable: return nil
        case .prefer: return (false, unchecked)
        case .require: return (true, unchecked)
        case .verifyFull:
            var checked = TLSConfiguration.makeClientConfiguration()
            if let rootCertificates { checked.trustRoots = .file(rootCertificates) }
            return (true, checked)
        }
    }
}
