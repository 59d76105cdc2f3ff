import Foundation
import VigieCore

/// Finds and parses watchlist files: YAML by hand, CSV from an ERP.
public enum WatchlistLoader {
    public static let extensions = ["yaml", "yml", "csv"]

    /// The watchlist files a configured path names: the file itself, or a folder's files.
    public static func files(at paths: [URL]) -> [URL] {
        paths.flatMap { url -> [URL] in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return [url] }
            guard isFolder.boolValue else { return [url] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                .map { url.appendingPathComponent($0) }
        }
    }

    /// Parses a watchlist's text by its file extension.
    public static func parse(_ text: String, file: String) -> WatchlistParseResult {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if (file as NSString).pathExtension.lowercased() == "csv" {
            return WatchlistCSVParser.parse(text, file: file, name: name)
        }
        return WatchlistYAMLParser.parse(text, file: file, name: name)
    }

    /// Reads a file as UTF-8, or as Windows-1252 when it is not (older ERP exports).
    public static func read(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }
}
