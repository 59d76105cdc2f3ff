import Testing
@testable import VigieCore
import VigieTestSupport

@Suite("Snapshot table")
struct SnapshotTableTests {
    /// The table against a dictionary, under the same seeded sequence of inserts, replacements,
    /// removals and merges: the same snapshots under the same keys after every step. A few keys
    /// many times over, then enough keys for the index to grow, wrap around its end and shift
    /// runs of slots back on removal.
    @Test("inserts, replacements, removals and merges leave it what a dictionary would be", arguments: [
        (1, 6, 2_000), (2, 6, 2_000), (3, 6, 2_000), (4, 6, 2_000), (5, 400, 12_000), (6, 1_000, 12_000),
    ])
    func likeADictionary(seed: UInt64, companies: Int, steps: Int) throws {
        var random = SplitMix(state: seed)
        let sirens = SIREN.samples(companies)
        let sources = ["creditsafe", "pappers", "bodacc"]
        var table = SnapshotTable()
        var model: [SnapshotKey: Snapshot] = [:]
        var marked: Set<SnapshotKey> = []
        for step in 0..<steps {
            let key = SnapshotKey(siren: sirens[Int(random.next() % UInt64(companies))], source: sources[Int(random.next() % 3)])
            var snapshot = Snapshot(siren: key.siren, source: key.source)
            snapshot.rating = "\(step)"
            switch random.next() % 4 {
            case 0:
                table[key] = nil
                model[key] = nil
                // A removed snapshot is no longer changed; the row that takes its place keeps its mark.
                marked.remove(key)
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
            #expect(table.changedCount == marked.count, "step \(step)")
            #expect(table.count == model.count)
            #expect(table[key] == model[key], "step \(step)")
            // Every key, every step while there are few; every 500 steps after.
            guard companies < 100 || step % 500 == 0 else { continue }
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
