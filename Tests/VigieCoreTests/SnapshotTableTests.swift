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
            }
            #expect(table.count == model.count)
            for (key, value) in model where table[key] != value {
                Issue.record("step \(step): \(key) differs")
                return
            }
            #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == model)
        }
        #expect(table == SnapshotTable(model.values.reversed()))
        #expect(table != SnapshotTable())

        // Taking some keys out gives exactly their snapshots, each once, in the table's order.
        let order = table.map(\.key)
        let wanted = Set(model.keys.filter { _ in random.next() % 2 == 0 } + [SnapshotKey(siren: sirens[0], source: "nowhere")])
        let taken = table.taking(wanted)
        #expect(taken.map(\.key) == order.filter(wanted.contains))
        #expect(taken.allSatisfy { model[$0.key] == $0 })
    }
}
