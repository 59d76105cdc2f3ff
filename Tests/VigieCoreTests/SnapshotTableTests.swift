import Testing
@testable import VigieCore
import VigieTestSupport

@Suite("Snapshot table")
struct SnapshotTableTests {
    /// The table against a dictionary, under the same seeded sequence of inserts, replacements,
    /// removals and merges: the same snapshots under the same keys after every step.
    @Test("inserts, replacements, removals and merges leave it what a dictionary would be", arguments: [1, 2, 3, 4])
    func likeADictionary(seed: UInt64) throws {
        var random = SplitMix(state: seed)
        let sirens = try ["337891287", "494814452", "880878145", "552081317", "881843924", "300254471"].map { try SIREN($0) }
        let sources = ["creditsafe", "pappers", "bodacc"]
        var table = SnapshotTable()
        var model: [SnapshotKey: Snapshot] = [:]
        var marked: Set<SnapshotKey> = []
        for step in 0..<2_000 {
            let key = SnapshotKey(siren: sirens[Int(random.next() % 6)], source: sources[Int(random.next() % 3)])
            var snapshot = Snapshot(siren: key.siren, source: key.source)
            snapshot.rating = "\(step)"
            switch random.next() % 4 {
            case 0:
                table[key] = nil
                model[key] = nil
            case 1:
                let other = SnapshotTable([snapshot])
                table.merge(other) { kept, _ in kept }
                model.merge([key: snapshot]) { kept, _ in kept }
            default:
                table[key] = snapshot
                model[key] = snapshot
                if random.next() % 3 == 0 {
                    table.markChanged(key)
                    marked.insert(key)
                }
            }
            // A removed snapshot is no longer changed; the row that takes its place keeps its mark.
            marked = marked.filter { model[$0] != nil }
            #expect(table.changedCount == marked.count, "step \(step)")
            #expect(table.count == model.count)
            for (key, value) in model where table[key] != value {
                Issue.record("step \(step): \(key) differs")
                return
            }
            #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == model)
        }
        #expect(table == SnapshotTable(model.values.reversed()))
        #expect(table != SnapshotTable())

        // Taking the changed ones out gives exactly their snapshots, each once, in the table's order.
        let order = table.map(\.key)
        let wanted = marked.union(model.keys.filter { _ in random.next() % 2 == 0 })
        for key in wanted { table.markChanged(key) }
        table.markChanged(SnapshotKey(siren: sirens[0], source: "nowhere"))
        #expect(table.changedCount == wanted.count)
        let taken = table.takingChanged()
        #expect(taken.map(\.key) == order.filter(wanted.contains))
        #expect(taken.allSatisfy { model[$0.key] == $0 })
    }
}
