/// What a cycle does to the alerts: raise a new one, revise one (a rectificatif), or retract
/// one (an annulation, a retraction). The store applies them idempotently, in the same
/// transaction as the snapshots, and queues each revision for delivery.
public enum AlertChange: Hashable, Sendable {
    case raised(Alert)
    case revised(Alert)
    case retracted(Alert)

    public var alert: Alert {
        switch self {
        case .raised(let alert), .revised(let alert), .retracted(let alert): alert
        }
    }
}
