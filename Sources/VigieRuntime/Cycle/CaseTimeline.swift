import VigieCore

/// The alerts behind a case's facts, for the CLI and the dashboard: its own, and those of a
/// weakening case it carried on (`absorbed`), which keep their first case's id.
public enum CaseTimeline {
    public static func alerts(of caseID: String, entries: [CaseEntry], store: any WatchStore) async throws -> [String: Alert] {
        var found = try await store.alerts(caseID: caseID)
        for entry in entries where entry.action == "absorbed" {
            if let earlier = entry.note { found += try await store.alerts(caseID: earlier) }
        }
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }
}
