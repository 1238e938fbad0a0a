/// How a component turns its ratio r = numerator ÷ denominator into points (indicators.md,
/// "Scoring"): `linear` gives max × r; `target(t)` gives min(max, max × r ÷ t), full marks
/// from ratio t up; `monitoring` gives no points (the component is shown, not scored).
public enum ScoringRule: Sendable, Hashable {
    case linear
    case target(Fraction)
    case monitoring
}

/// What a component scores when its denominator is 0 (indicators.md, "Scoring"): no score
/// (`null`, shown as "—", adds 0), its maximum (`full`), or 0 (`zero`).
public enum ZeroDenominatorPolicy: String, Sendable {
    case null, full, zero
}

/// An index profile: the groups and components of an index set, their weights and rules,
/// and the rating bands (indicators.md, "What a profile file holds"). A profile is data, read
/// from a file in `indicators/` (`dvcqg-2026`, the portal's; `qd766-2022`, the Decision's 5
/// groups) and applied when scores are read (details.md 27).
public struct Profile: Sendable {
    /// The profile's name on the command line, e.g. `dvcqg-2026`.
    public var id: String
    /// Its name for people.
    public var name: String
    /// The maximum total (100); the groups' maxima add up to it.
    public var total: Points
    /// The rating bands (xếp loại), highest first.
    public var bands: [Band]
    /// The groups, in the order they are shown (details.md 21).
    public var groups: [Group]
    /// Every component, in the order they are shown within their groups.
    public var components: [Component]

    /// A rating band: a total of at least `min` points earns it, unless a higher band does.
    public struct Band: Sendable, Hashable {
        /// The Vietnamese name, e.g. "Trung bình".
        public var name: String
        /// The English name, e.g. "Average".
        public var nameEn: String
        public var min: Points
        public init(name: String, nameEn: String, min: Points) {
            self.name = name; self.nameEn = nameEn; self.min = min
        }
    }

    /// A group of components (e.g. TDGQ, Tiến độ giải quyết: progress of settlement).
    public struct Group: Sendable {
        /// The portal's code, e.g. `TDGQ`.
        public var code: String
        /// The Vietnamese name.
        public var name: String
        public var nameEn: String
        /// The group's maximum: its components' maxima add up to it.
        public var max: Points
        /// Its components' ids, in order.
        public var componentIDs: [String]
        public init(code: String, name: String, nameEn: String, max: Points, componentIDs: [String]) {
            self.code = code; self.name = name; self.nameEn = nameEn; self.max = max
            self.componentIDs = componentIDs
        }
    }

    /// A component (chỉ số thành phần), e.g. 2.1, dossiers finished or in progress on time.
    public struct Component: Sendable {
        /// The component's id, e.g. `2.1`.
        public var id: String
        /// The code of its group.
        public var group: String
        /// The Vietnamese name.
        public var name: String
        public var nameEn: String
        /// Its weight; 0 for a monitoring component.
        public var max: Points
        public var rule: ScoringRule
        public var zero: ZeroDenominatorPolicy
        /// The measure counted as numerator (`Measure.all`), nil for a value component.
        public var numerator: String?
        /// The measure counted as denominator, nil for a value component.
        public var denominator: String?
        /// The value measure shown instead of a ratio (2.2: `ended.meanWorkingDays`), else nil.
        public var value: String?

        public init(
            id: String, group: String, name: String, nameEn: String, max: Points,
            rule: ScoringRule, zero: ZeroDenominatorPolicy,
            numerator: String?, denominator: String?, value: String? = nil
        ) {
            self.id = id; self.group = group; self.name = name; self.nameEn = nameEn
            self.max = max; self.rule = rule; self.zero = zero
            self.numerator = numerator; self.denominator = denominator; self.value = value
        }

        public var isMonitoring: Bool { rule == .monitoring }

        /// The rounded points for `numerator` ÷ `denominator` (details.md 20): nil for a
        /// monitoring or value component, and for a zero denominator under the `null` policy.
        /// A numerator outside [0, denominator] is taken as the nearest end of that range
        /// (the engine never counts one; `parseCountsFile` rejects one).
        public func points(numerator: Int64, denominator: Int64) -> Points? {
            if value != nil { return nil }
            switch rule {
            case .monitoring:
                return nil
            case .linear, .target:
                guard denominator > 0 else {
                    switch zero {
                    case .null: return nil
                    case .full: return max
                    case .zero: return .zero
                    }
                }
                let target: Fraction? = if case .target(let t) = rule { t } else { nil }
                let hundredths = ExactScoring.roundedHundredths(
                    max: max.hundredths, numerator: numerator, denominator: denominator,
                    targetNumerator: target?.numerator ?? 1, targetDenominator: target?.denominator ?? 1)
                return Points(hundredths: hundredths)
            }
        }

        /// What one more item in the numerator adds to the points, unrounded (details.md 24, explain's
        /// gain): `max` × (capped ratio with `numerator` + 1 − capped ratio now), taken as one exact
        /// fraction and divided once, so that 4.3 at 79 of 100 gains 0.025 (2 − 1.975), not the
        /// 0.025000000000000133 of subtracting two `Double`s. Nil where `points` is nil.
        public func gainOfOneMore(numerator: Int64, denominator: Int64) -> Double? {
            guard let now = unroundedPoints(numerator: numerator, denominator: denominator),
                  let fixed = unroundedPoints(numerator: Swift.min(numerator + 1, denominator), denominator: denominator) else { return nil }
            let approximate = fixed - now
            guard denominator > 0, numerator >= 0, numerator < denominator else { return approximate }
            // points(k) = max × min(d·tn, k·td) ÷ (d·tn), for a target tn/td (1/1 when linear).
            let (tn, td): (Int64, Int64) = if case .target(let t) = rule { (t.numerator, t.denominator) } else { (1, 1) }
            let (full, o1) = denominator.multipliedReportingOverflow(by: tn)
            let (reachedNow, o2) = numerator.multipliedReportingOverflow(by: td)
            let (reachedFixed, o3) = (numerator + 1).multipliedReportingOverflow(by: td)
            guard !o1, !o2, !o3 else { return approximate }
            let (top, o4) = max.hundredths.multipliedReportingOverflow(by: Swift.min(full, reachedFixed) - Swift.min(full, reachedNow))
            let (bottom, o5) = full.multipliedReportingOverflow(by: 100)
            guard !o4, !o5 else { return approximate }
            return Double(top) / Double(bottom)
        }

        /// The points for `numerator` ÷ `denominator` before rounding, as a `Double`: what
        /// explain's gains are computed on (details.md 24). Nil where `points` is nil.
        public func unroundedPoints(numerator: Int64, denominator: Int64) -> Double? {
            guard let rounded = points(numerator: numerator, denominator: denominator) else { return nil }
            guard denominator > 0 else { return rounded.doubleValue }
            let n = Double(Swift.min(Swift.max(numerator, 0), denominator))
            var ratio = n / Double(denominator)
            if case .target(let t) = rule {
                ratio = Swift.min(1, ratio * Double(t.denominator) / Double(t.numerator))
            }
            return max.doubleValue * ratio
        }
    }

    public init(id: String, name: String, total: Points, bands: [Band], groups: [Group], components: [Component]) {
        self.id = id; self.name = name; self.total = total
        self.bands = bands; self.groups = groups; self.components = components
    }

    /// The component with this id, if the profile has one.
    public func component(_ id: String) -> Component? {
        components.first { $0.id == id }
    }

    /// The band a total earns: the highest band whose `min` ≤ total, else the lowest band
    /// (indicators.md, "Scoring": bands).
    public func band(for total: Points) -> Band {
        if let earned = bands.filter({ $0.min <= total }).max(by: { $0.min < $1.min }) { return earned }
        return bands.min(by: { $0.min < $1.min }) ?? Band(name: "", nameEn: "", min: .zero)
    }
}

/// Exact integer scoring (details.md 20): no floating point on the way from counts to points.
enum ExactScoring {
    /// max × n ÷ (d × t) capped at max, for t = tn/td, rounded half away from zero, where `max`
    /// is in hundredths and so is the result. `n` is clamped to [0, d]; `d`, `tn`, `td` > 0.
    ///
    /// Every intermediate fits: a 128-bit product is only ever divided when its quotient is
    /// known to be below |max|, so `dividingFullWidth` cannot overflow.
    static func roundedHundredths(
        max: Int64, numerator: Int64, denominator: Int64,
        targetNumerator: Int64, targetDenominator: Int64
    ) -> Int64 {
        guard denominator > 0, targetNumerator > 0, targetDenominator > 0 else { return 0 }
        let m = max.magnitude
        let d = UInt64(denominator)
        let n = UInt64(Swift.min(Swift.max(numerator, 0), denominator))
        let tn = UInt64(targetNumerator), td = UInt64(targetDenominator)
        let magnitude: UInt64
        // Full marks from ratio t up: n × td ≥ d × tn.
        let reached = n.multipliedFullWidth(by: td), needed = d.multipliedFullWidth(by: tn)
        if (reached.high, reached.low) >= (needed.high, needed.low) {
            magnitude = m
        } else {
            // value = m·n·td / (d·tn) < m, computed in three exact divisions:
            // m·n = q1·d + r1            (q1 ≤ m since n ≤ d)
            // r1·td = q2·d + r2          (q2 < td)
            // q1·td + q2 = q3·tn + r3    (q3 ≤ value < m)
            // so value = q3 + (r3·d + r2) / (tn·d).
            let (q1, r1) = d.dividingFullWidth(m.multipliedFullWidth(by: n))
            let (q2, r2) = d.dividingFullWidth(r1.multipliedFullWidth(by: td))
            let product = q1.multipliedFullWidth(by: td)
            let (low, carry) = product.low.addingReportingOverflow(q2)
            let (q3, r3) = tn.dividingFullWidth((product.high + (carry ? 1 : 0), low))
            // Round up iff 2·(r3·d + r2) ≥ tn·d, i.e. (2·r3 − tn)·d + 2·r2 ≥ 0; as r2 < d,
            // that holds iff 2·r3 ≥ tn, or 2·r3 = tn − 1 and 2·r2 ≥ d.
            let roundUp = r3 >= tn - r3 || (tn - r3 == r3 + 1 && r2 >= d - r2)
            magnitude = roundUp ? q3 + 1 : q3
        }
        return max < 0 ? 0 &- Int64(bitPattern: magnitude) : Int64(bitPattern: magnitude)
    }
}
