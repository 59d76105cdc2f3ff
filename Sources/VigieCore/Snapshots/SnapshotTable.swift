/// The snapshots a cycle reads and updates, by company and source.
///
/// A `[SnapshotKey: Snapshot]` kept a whole snapshot in every bucket, and a dictionary holds up
/// to twice as many buckets as entries: 100 000 snapshots took 262 144 buckets of 216 bytes
/// (57 MB), a million 453 MB. Here the snapshots sit once in an array, found through a
/// `RowIndex` of their row numbers (four bytes a slot, the key read from the row).
public struct SnapshotTable: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private var index = RowIndex()
    private var rows: [Snapshot] = []
    /// Which rows a cycle changed, by row: a byte each, where a set of their keys took 48 per
    /// bucket (12.6 MB for 100 000 companies).
    private var changedRows: [Bool] = []

    public init() {}

    /// Each snapshot under its own key; a later one for the same key replaces an earlier.
    public init(_ snapshots: some Sequence<Snapshot>) {
        for snapshot in snapshots { self[snapshot.key] = snapshot }
    }

    public init(dictionaryLiteral elements: (SnapshotKey, Snapshot)...) {
        for (key, snapshot) in elements { self[key] = snapshot }
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }
    /// Every snapshot, in no particular order.
    public var values: [Snapshot] { rows }

    public mutating func reserveCapacity(_ capacity: Int) {
        index.reserveCapacity(capacity) { [rows] in rows[Int($0)].key.hashValue }
        rows.reserveCapacity(capacity)
        changedRows.reserveCapacity(capacity)
    }

    /// Marks the snapshot under `key` as changed, to be written back (`takingChanged`).
    public mutating func markChanged(_ key: SnapshotKey) {
        if let row = row(of: key) { changedRows[Int(row)] = true }
    }

    /// How many snapshots are marked changed.
    public var changedCount: Int { changedRows.reduce(0) { $0 + ($1 ? 1 : 0) } }

    // The index is told a row's hash by a closure over the rows alone (`[rows]`): one over
    // `self` held a second reference to the index's slots while they changed, and every
    // insertion copied them (a 100 000-company cycle spent 70 s in the kernel doing so).

    /// A snapshot is stored under its own key (`snapshot.key`), as every caller does.
    public subscript(key: SnapshotKey) -> Snapshot? {
        get { row(of: key).map { rows[Int($0)] } }
        set {
            switch (row(of: key), newValue) {
            case (let row?, let snapshot?):
                rows[Int(row)] = snapshot
            case (nil, let snapshot?):
                rows.append(snapshot)
                changedRows.append(false)
                index.insert(Int32(rows.count - 1), hash: key.hashValue) { [rows] in rows[Int($0)].key.hashValue }
            case (let row?, nil):
                index.remove(hash: key.hashValue, { $0 == row }) { [rows] in rows[Int($0)].key.hashValue }
                // The last row takes the removed one's place.
                let last = rows.removeLast()
                let lastChanged = changedRows.removeLast()
                if Int(row) < rows.count {
                    rows[Int(row)] = last
                    changedRows[Int(row)] = lastChanged
                    index.renumber(Int32(rows.count), to: row, hash: last.key.hashValue)
                }
            case (nil, nil):
                break
            }
        }
    }

    private func row(of key: SnapshotKey) -> Int32? {
        index.find(hash: key.hashValue) { rows[Int($0)].siren == key.siren && rows[Int($0)].source == key.source }
    }

    /// The snapshots marked changed, in the order they were added, taken out of the table as
    /// it is let go of: its rows are compacted in place, not copied (a baseline cycle changes
    /// every snapshot, and the copy beside the table was a fifth of its peak).
    public consuming func takingChanged() -> [Snapshot] {
        index = RowIndex()
        var kept = rows
        rows = []
        var count = 0
        for row in kept.indices where changedRows[row] {
            if count != row { kept[count] = kept[row] }
            count += 1
        }
        kept.removeLast(kept.count - count)
        return kept
    }

    /// Adds `other`'s snapshots; for a key in both, `combine` says which to keep.
    public mutating func merge(_ other: SnapshotTable, uniquingKeysWith combine: (Snapshot, Snapshot) -> Snapshot) {
        for snapshot in other.rows {
            self[snapshot.key] = self[snapshot.key].map { combine($0, snapshot) } ?? snapshot
        }
    }

    public func makeIterator() -> some IteratorProtocol<(key: SnapshotKey, value: Snapshot)> {
        rows.lazy.map { (key: $0.key, value: $0) }.makeIterator()
    }

    /// The same snapshots under the same keys, whatever their order.
    public static func == (lhs: SnapshotTable, rhs: SnapshotTable) -> Bool {
        lhs.count == rhs.count && lhs.rows.allSatisfy { rhs[$0.key] == $0 }
    }
}
