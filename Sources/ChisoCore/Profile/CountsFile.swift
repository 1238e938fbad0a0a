/// Parses a counts file (interfaces.md, "chiso score --counts"):
/// `{"counts": {"2.1": {"numerator": n, "denominator": n}, "2.2": {"value": x}, …}}`.
/// Other top-level members (such as the fixtures' `about` and `expected`) are ignored.
///
/// Numerators and denominators must be whole numbers with 0 ≤ numerator ≤ denominator
/// (details.md 20); a value is a number or null (details.md 11). Anything else is an error
/// naming the file and the component; every problem is reported.
public func parseCountsFile(_ text: String, name: String) throws(ProfileError) -> [String: ComponentInput] {
    let root: JSONValue
    do {
        root = try JSONParser.parse(text)
    } catch {
        throw ProfileError("\(name): not valid JSON: \(error)")
    }
    guard case .object = root, let countsValue = root["counts"] else {
        throw ProfileError("\(name): missing the object \"counts\" ({\"counts\": {\"2.1\": {\"numerator\": n, \"denominator\": n}, …}})")
    }
    guard case .object(let counts) = countsValue else {
        throw ProfileError("\(name): \"counts\" must be an object of component id → {numerator, denominator} or {value}")
    }
    var inputs: [String: ComponentInput] = [:]
    var problems: [String] = []
    for (id, entry) in counts.members {
        let place = "\(name): component \(id): "
        guard case .object(let fields) = entry else {
            problems.append(place + "must be {\"numerator\": n, \"denominator\": n} or {\"value\": x}")
            continue
        }
        if inputs[id] != nil {
            problems.append(place + "appears twice")
            continue
        }
        if let unknown = fields.members.first(where: { !["numerator", "denominator", "value"].contains($0.key) }) {
            problems.append(place + "unknown field \"\(unknown.key)\"")
            continue
        }
        if let value = fields["value"] {
            guard fields["numerator"] == nil, fields["denominator"] == nil else {
                problems.append(place + "has both a value and counts; give one or the other")
                continue
            }
            switch value {
            case .null: inputs[id] = .value(nil)
            case .number(let number) where number.double.isFinite: inputs[id] = .value(number.double)
            default: problems.append(place + "value must be a number or null")
            }
            continue
        }
        var whole: [Int64] = []
        for key in ["numerator", "denominator"] {
            guard let field = fields[key] else {
                problems.append(place + "missing \"\(key)\"")
                continue
            }
            guard let number = field.numberValue, let n = ExactDecimal(number.text)?.wholeNumber else {
                problems.append(place + "\(key) must be a whole number")
                continue
            }
            whole.append(n)
        }
        guard whole.count == 2 else { continue }
        let (numerator, denominator) = (whole[0], whole[1])
        guard numerator >= 0, numerator <= denominator else {
            problems.append(place + "needs 0 ≤ numerator ≤ denominator, got \(numerator) / \(denominator)")
            continue
        }
        inputs[id] = .counts(numerator: numerator, denominator: denominator)
    }
    if !problems.isEmpty { throw ProfileError(problems.joined(separator: "\n")) }
    return inputs
}
