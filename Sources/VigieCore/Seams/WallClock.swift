import Foundation

/// Where the time comes from. The core never reads the wall clock; the runtime passes the
/// time in, and tests pass a clock they move by hand.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}
