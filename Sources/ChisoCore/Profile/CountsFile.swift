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
        root = try JSONParser.parseKeepingOverflowingNumbers(text)
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
            problems.append(place + "unknown field \"\(unknown.key)\"; give {\"numerator\": n, \"denominator\": n} or {\"value\": x}")
            continue
        }
        if let value = fields["value"] {
            guard fields["numerator"] == nil, fields["denominator"] == nil else {
                problems.append(place + "has both a value and counts; give one or the other")
                continue
            }
            switch value {
            case .null: inputs[id] = .value(nil)
            case .number(let number) where !(abs(number.double) < 1e15):
                // A score card shows values to the hundredth in Int64 hundredths; a larger one would be
                // dropped as null without a word.
                problems.append(place + "value \(number.text) is out of range; give a number of working days below 10^15")
            case .number(let number) where number.double < 0:
                // Each dossier adds at least 0 working days to the average (decisions.md, 2.2), so a
                // negative average cannot come from any dossiers.
                problems.append(place + "value \(number.text) is negative; give the average in working days, 0 or more")
            case .number(let number):
                // Rounded to 2 decimals half away from zero on the decimal given (details.md 11, 20):
                // 1.005 gives 1.01, which rounding its nearest Double (1.00499…) would not.
                if let hundredths = ExactDecimal(number.text)?.roundedHundredths {
                    inputs[id] = .value(Double(hundredths) / 100)
                } else {
                    inputs[id] = .value(number.double)
                }
            default: problems.append(place + "value must be a number or null")
            }
            continue
        }
        if fields.members.isEmpty {
            // Not "missing numerator" for 2.2, which takes a value (details.md 11).
            problems.append(place + "is empty; give {\"numerator\": n, \"denominator\": n}, or {\"value\": x} for a value component such as 2.2")
            continue
        }
        var whole: [Int64] = []
        for key in ["numerator", "denominator"] {
            guard let field = fields[key] else {
                problems.append(place + "missing \"\(key)\"")
                continue
            }
            guard let number = field.numberValue else {
                problems.append(place + "\(key) must be a whole number (a JSON number such as 12)")
                continue
            }
            guard let n = ExactDecimal(number.text)?.wholeNumber else {
                // A whole number too large for Int64 is not "not whole": say what is wrong with it.
                if abs(number.double) >= 9.2e18 {
                    problems.append(place + "\(key) \(number.text) is too large; counts go up to 9223372036854775807")
                } else {
                    problems.append(place + "\(key) must be a whole number, got \(number.text)")
                }
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

/// What a counts file gives that `profile` cannot use, one sentence each.
///
/// - `errors`: a value for a ratio component, or counts for a value component. details.md 20: for a
///   ratio component anything but whole numerator and denominator "is an error naming the component".
/// - `warnings`: an id that is no component of the profile (a typo such as `2.l`, or a component of
///   another profile): the score is still computed, that entry ignored, and a person told why.
public func countsProblems(_ inputs: [String: ComponentInput], profile: Profile, name: String) -> (errors: [String], warnings: [String]) {
    var errors: [String] = []
    var warnings: [String] = []
    for id in inputs.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
        guard let component = profile.component(id), let input = inputs[id] else {
            warnings.append("\(name): component \(id) is not in profile \(profile.id) and is ignored; check the id (components: \(profile.components.map(\.id).joined(separator: ", ")))")
            continue
        }
        switch (input, component.value) {
        case (.value, nil):
            errors.append("\(name): component \(id) takes a numerator and a denominator, not a value; give {\"numerator\": n, \"denominator\": n}")
        case (.counts, _?):
            errors.append("\(name): component \(id) takes a value, not counts; give {\"value\": x} (working days) or {\"value\": null}")
        default:
            break
        }
    }
    return (errors, warnings)
}
