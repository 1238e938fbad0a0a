/// What the engine (or a counts file) gives a component to score: a numerator and a
/// denominator, or for a value component (2.2) the value, nil when no dossier qualifies
/// (details.md 11).
public enum ComponentInput: Sendable, Equatable {
    case counts(numerator: Int64, denominator: Int64)
    case value(Double?)
}

/// A profile applied to one set of inputs: the total, the band and every group's and
/// component's points (indicators.md, "Scoring"; interfaces.md, "The snapshot JSON").
public struct ScoreCard: Sendable {
    /// The profile's id, e.g. `dvcqg-2026`.
    public var profileID: String
    /// The sum of the groups' points.
    public var total: Points
    /// The profile's total (100).
    public var max: Points
    public var band: Profile.Band
    /// In the profile's group order.
    public var groups: [GroupScore]

    /// The score of the component with this id, if the profile has one.
    public func component(_ id: String) -> ComponentScore? {
        for group in groups { if let c = group.components.first(where: { $0.id == id }) { return c } }
        return nil
    }

    /// The score of the group with this code, if the profile has one.
    public func group(_ code: String) -> GroupScore? { groups.first { $0.code == code } }
}

/// A group's points: the sum of its components' rounded points, null ones adding 0
/// (details.md 20).
public struct GroupScore: Sendable {
    public var code: String
    /// The Vietnamese name.
    public var name: String
    public var nameEn: String
    public var max: Points
    public var points: Points
    public var components: [ComponentScore]
}

/// A component's points and the figures behind them (details.md 20).
public struct ComponentScore: Sendable {
    public var id: String
    /// The Vietnamese name.
    public var name: String
    public var nameEn: String
    public var max: Points
    /// Rounded to 2 decimals; nil = null ("—"): a monitoring component, or a zero
    /// denominator under the `null` policy.
    public var points: Points?
    /// Nil for a value component (2.2).
    public var numerator: Int64?
    /// Nil for a value component (2.2).
    public var denominator: Int64?
    /// numerator ÷ denominator, unrounded; nil when the denominator is 0 (whatever the
    /// zero policy) and for a value component.
    public var ratio: Double?
    /// A value component's value rounded to 2 decimals (2.2, details.md 11), else nil.
    public var value: Double?
    public var isMonitoring: Bool
    /// Whether this is a value component (2.2): shown with `value`, no counts or ratio.
    public var isValue: Bool
}

extension Profile {
    /// Scores the given inputs (component id → input); a component missing from `inputs`
    /// counts as 0 ÷ 0 (value nil for 2.2). Inputs for ids the profile does not have are
    /// ignored; an input of the wrong kind (a value for a ratio component or counts for a
    /// value component) counts as missing.
    ///
    /// Component points follow indicators.md "Scoring" and details.md 20 exactly, in integer
    /// arithmetic; a group is the sum of its components' rounded points and the total the
    /// sum of the groups'.
    public func score(_ inputs: [String: ComponentInput]) -> ScoreCard {
        var byID: [String: Component] = [:]
        for component in components where byID[component.id] == nil { byID[component.id] = component }
        var groupScores: [GroupScore] = []
        var total = Points.zero
        for group in groups {
            var points = Points.zero
            var scores: [ComponentScore] = []
            for id in group.componentIDs {
                guard let component = byID[id] else { continue }
                let score = component.score(inputs[id])
                points += score.points ?? .zero
                scores.append(score)
            }
            total += points
            groupScores.append(GroupScore(
                code: group.code, name: group.name, nameEn: group.nameEn,
                max: group.max, points: points, components: scores))
        }
        return ScoreCard(profileID: id, total: total, max: self.total, band: band(for: total), groups: groupScores)
    }
}

extension Profile.Component {
    /// This component's score for one input (nil = 0 ÷ 0, or no value).
    func score(_ input: ComponentInput?) -> ComponentScore {
        var result = ComponentScore(
            id: id, name: name, nameEn: nameEn, max: max, points: nil,
            numerator: nil, denominator: nil, ratio: nil, value: nil,
            isMonitoring: isMonitoring, isValue: value != nil)
        if value != nil {
            if case .value(let v?) = input, v.isFinite, abs(v) < 1e15 {
                result.value = (v * 100).rounded(.toNearestOrAwayFromZero) / 100
            }
            return result
        }
        var (n, d): (Int64, Int64) = (0, 0)
        if case .counts(let numerator, let denominator) = input { (n, d) = (numerator, denominator) }
        result.numerator = n
        result.denominator = d
        if d > 0 { result.ratio = Double(n) / Double(d) }
        result.points = points(numerator: n, denominator: d)
        return result
    }
}
