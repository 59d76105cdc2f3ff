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
    /// A list that reads cleanly but names no company is reported: it is a truncated export
    /// (a header row alone) far more often than a wish to watch nothing.
    public static func parse(_ text: String, file: String) -> WatchlistParseResult {
        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        var result = if (file as NSString).pathExtension.lowercased() == "csv" {
            WatchlistCSVParser.parse(text, file: file, name: name)
        } else {
            WatchlistYAMLParser.parse(text, file: file, name: name)
        }
        if let watchlist = result.watchlist, watchlist.entries.isEmpty, result.errors.isEmpty {
            result.issues.append(FileIssue(file: file, line: 1, message: "lists no company; if the export was cut short, export it again (a list meant to be empty is better removed)"))
        }
        return result
    }

    /// Reads a file as UTF-16 when it starts with a UTF-16 byte-order mark (Excel's "Unicode
    /// text"), else as UTF-8, else as Windows-1252 (older ERP exports).
    public static func read(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return decode(data)
    }

    public static func decode(_ data: Data) -> String? { ExportText.decode(data) }
}
