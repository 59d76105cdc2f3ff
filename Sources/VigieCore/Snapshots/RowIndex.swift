/// Row numbers by key, for a table whose rows sit in an array and carry their own keys.
///
/// A `[Key: Int32]` beside the rows held each key a second time, in a dictionary kept at most
/// three quarters full: for 100 000 snapshots, 262 144 buckets of a key and a row number
/// (9.5 MB). Here a slot is the row number alone (four bytes; 1 MB for the same rows): the key
/// is read from the row itself when a slot is probed. Open addressing, linear probing, at most
/// half full; a removal shifts the slots after it back, so that no tombstone slows a search.
///
/// The table tells the index what a key hashes to, and whether a row holds a key: the index
/// never sees the keys, so one index serves any table.
struct RowIndex: Sendable {
    /// A row number per slot; `empty` where none.
    private var slots: [Int32] = []
    private(set) var count = 0

    private static let empty: Int32 = -1

    init() {}

    /// Room for `capacity` rows without growing.
    mutating func reserveCapacity(_ capacity: Int, hashOf: (Int32) -> Int) {
        if Self.slotCount(for: capacity) > slots.count { resize(to: Self.slotCount(for: capacity), hashOf: hashOf) }
    }

    /// The row that holds the key hashing to `hash`, as `holds` says.
    func find(hash: Int, _ holds: (Int32) -> Bool) -> Int32? {
        guard !slots.isEmpty else { return nil }
        return slot(hash: hash, holds).map { slots[$0] }
    }

    /// Files `row` under its key's `hash`; the key must not be in the index yet.
    mutating func insert(_ row: Int32, hash: Int, hashOf: (Int32) -> Int) {
        if (count + 1) * 2 > slots.count { resize(to: Self.slotCount(for: count + 1), hashOf: hashOf) }
        let mask = slots.count - 1
        var position = hash & mask
        while slots[position] != Self.empty { position = (position + 1) & mask }
        slots[position] = row
        count += 1
    }

    /// Removes the key hashing to `hash` (the row `holds` says holds it); returns its row.
    @discardableResult
    mutating func remove(hash: Int, _ holds: (Int32) -> Bool, hashOf: (Int32) -> Int) -> Int32? {
        guard !slots.isEmpty, var hole = slot(hash: hash, holds) else { return nil }
        let removed = slots[hole]
        let mask = slots.count - 1
        slots[hole] = Self.empty
        count -= 1
        // Each following slot of the run moves back into the hole unless its home lies
        // (cyclically) after the hole, where a search for it starts past the hole anyway.
        var next = (hole + 1) & mask
        while slots[next] != Self.empty {
            let home = hashOf(slots[next]) & mask
            let staysPut = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if !staysPut {
                slots[hole] = slots[next]
                slots[next] = Self.empty
                hole = next
            }
            next = (next + 1) & mask
        }
        return removed
    }

    /// The row filed as `old`, whose key hashes to `hash`, is now row `new` (the table moved it).
    mutating func renumber(_ old: Int32, to new: Int32, hash: Int) {
        guard let position = slot(hash: hash, { $0 == old }) else { return }
        slots[position] = new
    }

    private func slot(hash: Int, _ holds: (Int32) -> Bool) -> Int? {
        let mask = slots.count - 1
        var position = hash & mask
        while true {
            let row = slots[position]
            if row == Self.empty { return nil }
            if holds(row) { return position }
            position = (position + 1) & mask
        }
    }

    private mutating func resize(to slotCount: Int, hashOf: (Int32) -> Int) {
        let rows = slots.filter { $0 != Self.empty }
        slots = Array(repeating: Self.empty, count: slotCount)
        let mask = slotCount - 1
        for row in rows {
            var position = hashOf(row) & mask
            while slots[position] != Self.empty { position = (position + 1) & mask }
            slots[position] = row
        }
    }

    /// The power of two at least twice `capacity`, and at least 16.
    private static func slotCount(for capacity: Int) -> Int {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        return slots
    }
}
