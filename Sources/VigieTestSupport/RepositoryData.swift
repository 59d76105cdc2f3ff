import Foundation

/// Finds the real data no one here wrote: `data/` in the repository, with its provenance in
/// `data/SOURCES.md`, so that a clone anywhere runs the tests against it.
public enum RepositoryData {
    public static var folder: URL { repositoryRoot.appendingPathComponent("data") }

    /// The repository's root, found from this file's place in it.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func url(_ path: String) -> URL { folder.appendingPathComponent(path) }

    public static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }

    public static func json(_ path: String) throws -> Any { try JSONSerialization.jsonObject(with: data(path)) }
}
