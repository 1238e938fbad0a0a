/// A profile or counts file that cannot be used: every problem found, one a line, each
/// naming the file, the group or component, and what is wrong (indicators.md, "What a
/// profile file holds").
public struct ProfileError: Error, Sendable, CustomStringConvertible {
    /// One problem a line, e.g. `dvcqg-2026.json: component 3.1: target 1.5 is outside (0, 1]`.
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Profile {
    /// Reads and validates a profile file (format: `indicators/README.md`).
    ///
    /// Rejected, with a message naming `name`, the component or group and the problem: a
    /// missing or mistyped field, an unknown field, a duplicate id or code, an unknown group,
    /// an unknown measure (not in `Measure.all`), a numerator that does not extend its
    /// denominator, a bad `rule` or `zero` value, a target outside (0, 1] or with more than
    /// 6 decimals, a monitoring component with a weight, components that do not add up to
    /// their group's max, groups that do not add up to the total, bands not listed highest
    /// first. Every problem is reported, not just the first.
    ///
    /// - Parameter name: the file's name as the user knows it (used in messages only).
    public static func load(fileText: String, name: String) throws(ProfileError) -> Profile {
        let root: JSONValue
        do {
            root = try JSONParser.parseKeepingOverflowingNumbers(fileText)
        } catch {
            throw ProfileError("\(name): not valid JSON: \(error)")
        }
        var reader = ProfileReader(file: name)
        let profile = reader.profile(root)
        if let profile, reader.problems.isEmpty { return profile }
        throw ProfileError(reader.problems.joined(separator: "\n"))
    }
}

/// Reads a profile's JSON, collecting problems instead of stopping at the first.
private struct ProfileReader {
    let file: String
    var problems: [String] = []
    /// Groups that have a component that could not be read: their sums are not checked.
    var incompleteGroups: Set<String> = []
    /// Whether a component's group could not be read, or a group could not be read: then
    /// no sums are checked (they would only repeat the first problem).
    var sumsUncheckable = false
    /// Every group code the file declares, including groups with a problem of their own: a
    /// component of such a group is not also told its group is unknown.
    var declaredGroupCodes: [String] = []

    init(file: String) { self.file = file }

    mutating func problem(_ place: String?, _ text: String) {
        problems.append(file + ": " + (place.map { $0 + ": " } ?? "") + text)
    }

    // MARK: Fields

    /// The object's members, after reporting members outside `allowed` (`about` is always allowed).
    mutating func object(_ value: JSONValue, _ place: String?, allowed: [String]) -> JSONObject? {
        guard case .object(let object) = value else {
            problem(place, "must be a JSON object")
            return nil
        }
        var seen: Set<String> = []
        for member in object.members {
            if !allowed.contains(member.key), member.key != "about" {
                problem(place, "unknown field \"\(member.key)\" (allowed: \(allowed.joined(separator: ", ")), about)")
            }
            if !seen.insert(member.key).inserted { problem(place, "field \"\(member.key)\" appears twice") }
        }
        return object
    }

    mutating func string(_ object: JSONObject, _ key: String, _ place: String?, required: Bool = true) -> String? {
        guard let value = object[key] else {
            if required { problem(place, "missing field \"\(key)\"") }
            return nil
        }
        guard let text = value.stringValue, !text.isEmpty else {
            problem(place, "\"\(key)\" must be a non-empty string")
            return nil
        }
        return text
    }

    /// A number of points: at most 2 decimals, not negative.
    mutating func points(_ object: JSONObject, _ key: String, _ place: String?) -> Points? {
        guard let value = object[key] else {
            problem(place, "missing field \"\(key)\"")
            return nil
        }
        guard let number = value.numberValue else {
            problem(place, "\"\(key)\" must be a number")
            return nil
        }
        guard let hundredths = ExactDecimal(number.text)?.hundredths,
              hundredths.magnitude <= 100_000_000 else {
            problem(place, "\"\(key)\" \(number.text) must be a number of points with at most 2 decimals, up to 1000000")
            return nil
        }
        guard hundredths >= 0 else {
            problem(place, "\"\(key)\" \(number.text) must not be negative")
            return nil
        }
        return Points(hundredths: hundredths)
    }

    mutating func array(_ object: JSONObject, _ key: String, _ place: String?) -> [JSONValue]? {
        guard let value = object[key] else {
            problem(place, "missing field \"\(key)\"")
            return nil
        }
        guard case .array(let items) = value else {
            problem(place, "\"\(key)\" must be an array")
            return nil
        }
        return items
    }

    // MARK: The profile

    mutating func profile(_ root: JSONValue) -> Profile? {
        guard let top = object(root, nil, allowed: ["id", "name", "total", "bands", "groups", "components"]) else {
            return nil
        }
        let id = string(top, "id", nil)
        let name = string(top, "name", nil)
        let total = points(top, "total", nil)
        let bands = array(top, "bands", nil).map { readBands($0) }
        var groups = array(top, "groups", nil).map { readGroups($0) } ?? []
        let components = array(top, "components", nil).map { readComponents($0, groups: groups) } ?? []

        // Each group's components, in file order, and their weights against the group's max.
        for index in groups.indices where !sumsUncheckable && !incompleteGroups.contains(groups[index].code) {
            let members = components.filter { $0.group == groups[index].code }
            groups[index].componentIDs = members.map(\.id)
            let sum = members.reduce(Points.zero) { $0 + $1.max }
            if sum != groups[index].max {
                let list = members.map { "\($0.id) \($0.max)" }.joined(separator: ", ")
                problem("group \(groups[index].code)",
                        "its components (\(list.isEmpty ? "none" : list)) add up to \(sum), not the group's max \(groups[index].max)")
            }
        }
        if let total, !sumsUncheckable {
            let sum = groups.reduce(Points.zero) { $0 + $1.max }
            if sum != total {
                let list = groups.map { "\($0.code) \($0.max)" }.joined(separator: ", ")
                problem(nil, "the groups (\(list)) add up to \(sum), not the total \(total)")
            }
        }
        // A band no total can reach is a typo (a min of 120 for 20), not a band.
        if let total, let bands {
            for band in bands where band.min > total {
                problem("band \(band.name)", "its min \(band.min) is above the profile's total \(total): no score can reach it")
            }
        }
        guard let id, let name, let total, let bands else { return nil }
        return Profile(id: id, name: name, total: total, bands: bands, groups: groups, components: components)
    }

    mutating func readBands(_ items: [JSONValue]) -> [Profile.Band] {
        if items.isEmpty { problem(nil, "\"bands\" must list at least one band") }
        var bands: [Profile.Band] = []
        for (index, item) in items.enumerated() {
            let place = "band #\(index + 1)"
            guard let object = object(item, place, allowed: ["name", "nameEn", "min"]) else { continue }
            let name = string(object, "name", place)
            let place2 = name.map { "band \($0)" } ?? place
            let nameEn = string(object, "nameEn", place2)
            let min = points(object, "min", place2)
            guard let name, let nameEn, let min else { continue }
            if bands.contains(where: { $0.name == name }) { problem(place2, "duplicate band name") }
            if let previous = bands.last, previous.min <= min {
                problem(place2, "bands must be listed highest first, but its min \(min) is not below \(previous.name)'s \(previous.min)")
            }
            bands.append(Profile.Band(name: name, nameEn: nameEn, min: min))
        }
        return bands
    }

    mutating func readGroups(_ items: [JSONValue]) -> [Profile.Group] {
        if items.isEmpty { problem(nil, "\"groups\" must list at least one group") }
        var groups: [Profile.Group] = []
        for (index, item) in items.enumerated() {
            let place = "group #\(index + 1)"
            guard let object = object(item, place, allowed: ["code", "name", "nameEn", "max"]) else {
                sumsUncheckable = true
                continue
            }
            guard let code = string(object, "code", place) else {
                sumsUncheckable = true
                continue
            }
            if !declaredGroupCodes.contains(code) { declaredGroupCodes.append(code) }
            let place2 = "group \(code)"
            let name = string(object, "name", place2)
            let nameEn = string(object, "nameEn", place2)
            let max = points(object, "max", place2)
            if groups.contains(where: { $0.code == code }) {
                problem(place2, "duplicate group code")
                sumsUncheckable = true
                continue
            }
            guard let name, let nameEn, let max else {
                sumsUncheckable = true
                continue
            }
            groups.append(Profile.Group(code: code, name: name, nameEn: nameEn, max: max, componentIDs: []))
        }
        return groups
    }

    mutating func readComponents(_ items: [JSONValue], groups: [Profile.Group]) -> [Profile.Component] {
        var components: [Profile.Component] = []
        for (index, item) in items.enumerated() {
            // Named by its id when it has one, so that an unknown field points at `1.3`, not `#3`.
            let place = item["id"]?.stringValue.flatMap { $0.isEmpty ? nil : "component \($0)" } ?? "component #\(index + 1)"
            guard let object = object(item, place, allowed: [
                "id", "group", "name", "nameEn", "max", "rule", "target", "zero", "numerator", "denominator", "value",
            ]) else {
                sumsUncheckable = true
                continue
            }
            let id = string(object, "id", place)
            let component = id.flatMap { readComponent(object, id: $0, groups: groups) }
            guard let id, let component else {
                if let group = object["group"]?.stringValue { incompleteGroups.insert(group) } else { sumsUncheckable = true }
                continue
            }
            if components.contains(where: { $0.id == id }) {
                problem("component \(id)", "duplicate component id")
                incompleteGroups.insert(component.group)
                continue
            }
            components.append(component)
        }
        return components
    }

    mutating func readComponent(_ object: JSONObject, id: String, groups: [Profile.Group]) -> Profile.Component? {
        let place = "component \(id)"
        let group = string(object, "group", place)
        if let group, !groups.contains(where: { $0.code == group }) {
            sumsUncheckable = true
        }
        if let group, !declaredGroupCodes.contains(group) {
            problem(place, "unknown group \"\(group)\" (groups: \(declaredGroupCodes.joined(separator: ", ")))")
        }
        let name = string(object, "name", place)
        let nameEn = string(object, "nameEn", place)
        let max = points(object, "max", place)

        var rule: ScoringRule?
        switch string(object, "rule", place) {
        case nil: break
        case "linear": rule = .linear
        case "monitoring": rule = .monitoring
        case "target": rule = target(object, place)
        case let other?: problem(place, "rule \"\(other)\" must be linear, target or monitoring")
        }
        if rule != nil, !isTarget(rule), object["target"] != nil {
            problem(place, "\"target\" is only for rule \"target\"")
        }
        if rule == .monitoring, let max, max != .zero {
            problem(place, "a monitoring component scores no points, so its max must be 0, not \(max)")
        }

        var zero: ZeroDenominatorPolicy? = rule == .monitoring ? .null : nil
        if let text = string(object, "zero", place, required: rule != .monitoring) {
            zero = ZeroDenominatorPolicy(rawValue: text)
            if zero == nil { problem(place, "zero \"\(text)\" must be null, full or zero") }
        }

        let measures = readMeasures(object, place, rule: rule)
        guard let group, let name, let nameEn, let max, let rule, let zero, let measures else { return nil }
        return Profile.Component(
            id: id, group: group, name: name, nameEn: nameEn, max: max, rule: rule, zero: zero,
            numerator: measures.numerator, denominator: measures.denominator, value: measures.value)
    }

    func isTarget(_ rule: ScoringRule?) -> Bool {
        if case .target = rule { return true }
        return false
    }

    mutating func target(_ object: JSONObject, _ place: String) -> ScoringRule? {
        guard let value = object["target"] else {
            problem(place, "missing field \"target\" (rule \"target\" needs one)")
            return nil
        }
        guard let number = value.numberValue else {
            problem(place, "\"target\" must be a number")
            return nil
        }
        guard let decimal = ExactDecimal(number.text), decimal.significand > 0,
              let fraction = Fraction(decimalLiteral: number.text, maxDecimals: 18), fraction.isAtMostOne else {
            problem(place, "target \(number.text) is outside (0, 1]")
            return nil
        }
        guard decimal.scale <= 6 else {
            problem(place, "target \(number.text) has more than 6 decimals")
            return nil
        }
        return .target(fraction)
    }

    /// The numerator and denominator, or the value measure.
    mutating func readMeasures(
        _ object: JSONObject, _ place: String, rule: ScoringRule?
    ) -> (numerator: String?, denominator: String?, value: String?)? {
        if object["value"] != nil {
            guard let value = string(object, "value", place) else { return nil }
            var ok = true
            if !Measure.valueMeasures.contains(value) {
                ok = false
                problem(place, Measure.all.contains(value)
                    ? "\(value) is a count, not a value measure; name it as numerator or denominator"
                    : "unknown measure \"\(value)\"; the value measures are \(Measure.valueMeasures.sorted().joined(separator: ", ")) (indicators/README.md, \"Measures\")")
            }
            if object["numerator"] != nil || object["denominator"] != nil {
                ok = false
                problem(place, "a component has either \"value\" or \"numerator\" and \"denominator\", not both")
            }
            if rule != nil, rule != .monitoring {
                ok = false
                problem(place, "a value measure is shown, not scored: its rule must be monitoring")
            }
            return ok ? (nil, nil, value) : nil
        }
        let numerator = string(object, "numerator", place)
        let denominator = string(object, "denominator", place)
        var ok = numerator != nil && denominator != nil
        for measure in [numerator, denominator].compactMap({ $0 }) where !Measure.counts.contains(measure) {
            ok = false
            problem(place, Measure.valueMeasures.contains(measure)
                ? "\(measure) is a value measure; name it as \"value\", not as a numerator or denominator"
                : "unknown measure \"\(measure)\"; name one of the counts in the table \"Measures\" of indicators/README.md, such as active or active.onTime")
        }
        if ok, let numerator, let denominator, !Measure.isSubset(numerator, of: denominator) {
            ok = false
            problem(place, "numerator \(numerator) does not count a part of denominator \(denominator); a numerator is its denominator's name followed by .something (indicators/README.md, \"Measures\")")
        }
        return ok ? (numerator, denominator, nil) : nil
    }
}
