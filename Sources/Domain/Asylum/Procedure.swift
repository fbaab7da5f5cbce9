/// The procedure an asylum application is examined under. A Dublin application (another
/// EU state is responsible) may later be requalified: France examines it after all, and
/// the requalification day is what decides whether the digital space applies.
public enum Procedure: Hashable, Sendable {
    case normal
    case accelerated
    case dublin
    case dublinRequalifiedNormal(on: CivilDate)
    case dublinRequalifiedAccelerated(on: CivilDate)

    public var requalifiedOn: CivilDate? {
        switch self {
        case .dublinRequalifiedNormal(let day), .dublinRequalifiedAccelerated(let day): day
        case .normal, .accelerated, .dublin: nil
        }
    }
}
