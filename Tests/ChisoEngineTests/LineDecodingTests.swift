import ChisoCore
import ChisoWorkload
import Testing

/// `EventDecoder.decodeLine` (straight from a line's bytes) against `decode(JSONParser.parse(_:))`
/// (through a tree), the reference: whenever the first gives an event, the second gives the same one,
/// and it gives one for every line of the usual shape (docs/performance.md item 28).
@Suite struct LineDecodingTests {
    let decoder = EventDecoder(zone: .vietnam)

    /// What the reference makes of `line`: the event, or nil for a rejection.
    func reference(_ line: [UInt8]) -> Event? {
        try? decoder.decode(JSONParser.parse(line))
    }

    func straight(_ line: [UInt8]) -> Event? {
        line.withUnsafeBytes { decoder.decodeLine($0) }
    }

    /// Checks one line; returns whether the straight reading gave an event.
    @discardableResult
    func check(_ line: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let event = straight(line) else { return false }
        let expected = reference(line)
        #expect(event == expected, "\(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
        return true
    }

    /// One line of every type, each optional field given (and some given as null).
    static let samples: [String] = [
        #"{"id":"u1","type":"unit.declared","at":"2026-04-30T23:00:00+07:00","unit":"H44","name":"Tỉnh Phú Thọ","parent":null,"level":"province"}"#,
        #"{"id":"u2","type":"unit.declared","at":"2026-04-30T23:00:00Z","unit":"H44.01","name":"Sở \"Tư\" pháp","parent":"H44","level":"department"}"#,
        #"{"id":"u3","type":"unit.merged","at":"2026-07-01T00:00:00+07:00","unit":"H44.02","into":"H44.01"}"#,
        #"{"id":"u4","type":"unit.service","at":"2026-05-01T00:00:00+07:00","unit":"H44.01","eCertifiedCopy":true}"#,
        #"{"id":"p1","type":"procedure.declared","at":"2026-05-01T00:00:00+07:00","procedure":"1.001","name":"Cấp phép","unit":"H44","authority":["H44.01","commune"],"onlineLevel":"full","feeBearing":true,"writtenResult":false,"citizenSubject":true,"contentComplete":false,"duration":{"value":7,"unit":"workingDays"},"abolished":false}"#,
        #"{"id":"p2","type":"procedure.announced","at":"2026-05-01T00:00:00+07:00","procedure":"1.001","unit":"H44","decidedAt":"2026-04-20","effectiveAt":"2026-05-01T08:00:00+07:00"}"#,
        #"{"id":"p3","type":"procedure.published","at":"2026-05-02T00:00:00+07:00","procedure":"1.001","unit":"H44"}"#,
        #"{"id":"d1","type":"dossier.submitted","at":"2026-05-04T08:00:00+07:00","unit":"H44.01","dossier":"D-1","procedure":"1.001","channel":"online"}"#,
        #"{"id":"d2","type":"dossier.received","at":"2026-05-04T08:19:42.123456789+07:00","unit":"H44.01","dossier":"D-1","procedure":"1.001","channel":"direct","due":"2026-05-11T17:00:00+07:00","components":[{"digitized":false,"reused":true,"fromPersonalStore":null},{"digitized":true}],"populationData":true,"fee":30000}"#,
        #"{"id":"d3","type":"dossier.refused","at":"2026-05-04T09:00:00+07:00","unit":"H44.01","dossier":"D-2","reason":"Thiếu \"Giấy\"\n- bản chính"}"#,
        #"{"id":"d4","type":"dossier.transferred","at":"2026-05-04T09:00:00+07:00","unit":"H44.01","dossier":"D-1","to":"H44.02"}"#,
        #"{"id":"d5","type":"dossier.supplementRequested","at":"2026-05-04T10:00:00+07:00","unit":"H44.01","dossier":"D-1","reason":null}"#,
        #"{"id":"d6","type":"dossier.supplemented","at":"2026-05-05T10:00:00+07:00","unit":"H44.01","dossier":"D-1"}"#,
        #"{"id":"d7","type":"dossier.paid","at":"2026-05-05T11:00:00+07:00","unit":"H44.01","dossier":"D-1","amount":1.5e5,"online":true,"gateway":"national"}"#,
        #"{"id":"d8","type":"dossier.apologized","at":"2026-05-06T11:00:00+07:00","unit":"H44.01","dossier":"D-1","reason":"late","newDue":"2026-05-20T17:00:00+07:00"}"#,
        #"{"id":"d9","type":"dossier.finished","at":"2026-05-07T11:00:00+07:00","unit":"H44.01","dossier":"D-1","outcome":"approved","electronicResult":true,"pushedToPersonalStore":false}"#,
        #"{"id":"d10","type":"dossier.returned","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1","channel":"postal"}"#,
        #"{"id":"d11","type":"dossier.withdrawn","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-3"}"#,
        #"{"id":"d12","type":"dossier.stopped","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-4","reason":"x"}"#,
        #"{"id":"d13","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1"}"#,
        #"{"id":"d14","type":"dossier.rated","at":"2026-05-08T12:00:00+07:00","unit":"H44.01","dossier":"D-1","rating":"neutral"}"#,
        #"{"id":"q1","type":"petition.filed","at":"2026-05-08T12:00:00+07:00","unit":"H44.01","petition":"Q-1","category":"staff","dossier":"D-1"}"#,
        #"{"id":"q2","type":"petition.transferred","at":"2026-05-08T13:00:00+07:00","unit":"H44.01","petition":"Q-1","to":"H44.02"}"#,
        #"{"id":"q3","type":"petition.answered","at":"2026-05-09T13:00:00+07:00","unit":"H44.02","petition":"Q-1"}"#,
        #"{"id":"q4","type":"petition.rated","at":"2026-05-10T13:00:00+07:00","unit":"H44.02","petition":"Q-1","satisfied":false}"#,
        #"{"id":"q5","type":"petition.reraised","at":"2026-05-11T13:00:00+07:00","unit":"H44.02","petition":"Q-1"}"#,
        #"{"id":"r1","type":"event.retracted","at":"2026-05-11T13:00:00+07:00","target":"d9","unit":"H44.01"}"#,
    ]

    @Test func everySampleIsReadStraightAsThroughATree() {
        for sample in Self.samples {
            let bytes = Array(sample.utf8)
            #expect(reference(bytes) != nil, "the sample itself must be valid: \(sample)")
            #expect(check(bytes), "not read straight: \(sample)")
        }
    }

    @Test func everyGeneratedLineIsReadStraightAsThroughATree() {
        let options = WorkloadOptions(seed: 7, units: 40, dossiers: 2_000,
                                      from: LocalDate(year: 2026, month: 3, day: 1), to: LocalDate(year: 2026, month: 5, day: 1))
        var generator = WorkloadGenerator(options: options)
        var lines = 0, straightLines = 0
        generator.generate { line in
            lines += 1
            if check(Array(line.utf8)) { straightLines += 1 }
        }
        #expect(lines > 8_000)
        #expect(straightLines == lines, "\(lines - straightLines) generated lines went through the tree")
    }

    /// Values put in place of each member's, chosen to break every rule of details.md 1–2 that a
    /// field can break, and to keep some valid.
    static let replacements: [String] = [
        "null", "true", "false", "0", "-0", "-1", "1.5", "-1e-400", "1e999", "12345678901234567890", "\"\"", "\"x\"",
        "\"é\"", "\"e\\u0301\"", "\"a\\\"b\"", "\"\\u0000\"", "[]", "{}", "[1]", "[\"H44\",\"\"]", "[\"\",1]", "{\"a\":1}",
        "{\"value\":-1,\"unit\":\"days\"}", "{\"value\":3,\"unit\":\"weeks\"}", "{\"value\":3}", "[{\"digitized\":1}]",
        "[{\"digitized\":true,\"digitized\":false}]", "[null]", "\"\(String(repeating: "a", count: 129))\"",
        "\"\(String(repeating: "é", count: 100))\"", "\"2026-13-01T00:00:00+07:00\"", "\"2026-05-01\"",
        "\"2026-05-01T08:00:00\"", "\"9999-12-31T23:00:00-05:00\"", "\"0000-01-01T00:00:00+07:00\"",
        "\"2026-05-01T08:00:00.5Z\"", "\"approved\"", "\"rejected\"", "\"national\"", "\"local\"", "\"satisfied\"",
        "\"online\"", "\"partial\"", "\"commune\"", "\"staff\"", "\"dossier.synced\"", "\"Dossier.synced\"",
        "\"dossier.synced \"", "\"unit.nope\"", "NaN", "tru", "nul", "01", "1.", ".5", "+1", "\"\\x\"", "\"\\ud800\"",
        // Lists of components: read from the bytes when flat, else through the parser.
        "[{}]", "[{},{}]", "[{\"reused\":true},{}]", "[{\"fromPersonalStore\":true,\"x\":null}]",
        "[ { \"digitized\" : true } , { } ]", "[{\"a\":true,\"a\":false}]", "[{\"digitized\":true,\"reused\":false,\"digitized\":null}]",
        "[{\"digitized\":true}", "[{\"digitized\":\"true\"}]", "[{\"digitized\":true},1]", "[[]]", "[{\"d\\u0069gitized\":true}]",
        "[{\"digitized\":true,}]", "[{\"digitized\":true},]", "[{\"digitized\":false},{\"digitized\":true}]", "[{\"é\":true}]",
        "[{\"reused\":true}]\t",
    ]

    /// Every member dropped, replaced by each of `replacements`, repeated, or with its key spelled
    /// with an escape; members added; white space between tokens.
    @Test func mutatedSamplesAreReadStraightOnlyAsThroughATree() throws {
        var straightCount = 0, total = 0
        func run(_ text: String) {
            total += 1
            if check(Array(text.utf8)) { straightCount += 1 }
        }
        for sample in Self.samples {
            guard case .object(let object) = try JSONParser.parse(sample) else {
                Issue.record("not an object: \(sample)")
                continue
            }
            let members = object.members.map { (key: $0.key, text: $0.value.jsonText) }
            func render(_ list: [(key: String, text: String)], separator: String = ",", colon: String = ":") -> String {
                "{" + list.map { jsonQuoted($0.key) + colon + $0.text }.joined(separator: separator) + "}"
            }
            for k in members.indices {
                var dropped = members
                dropped.remove(at: k)
                run(render(dropped))
                for replacement in Self.replacements {
                    var changed = members
                    changed[k].text = replacement
                    run(render(changed))
                }
                run(render(members + [members[k]]))
                var escapedKey = members
                escapedKey[k].key = "\\u00" + String(Array(members[k].key.utf8)[0], radix: 16) + String(members[k].key.dropFirst())
                run("{" + escapedKey.map { "\"\($0.key)\":\($0.text)" }.joined(separator: ",") + "}")
            }
            for extra in ["\"note\":\"x\"", "\"note\":[1,{\"a\":[]}]", "\"ghi chú\":1", "\"note\":null", "\"\":0"] {
                run(String(sample.dropLast()) + "," + extra + "}")
            }
            run(render(members, separator: " ,\t", colon: " : "))
            run(" \t" + sample + "\r")
            run(render(members.reversed()))
        }
        // Most mutants are rejected; the valid ones were read straight.
        #expect(total > 3_000)
        #expect(straightCount > 300, "\(straightCount) of \(total) read straight")
    }

    /// Random byte edits of the samples (a changed, inserted or removed byte, a line cut short): the
    /// straight reading never gives an event that the tree's does not.
    @Test func bytesEditedAtRandomAreReadStraightOnlyAsThroughATree() {
        var random = PropertyTests.SplitMix(state: 0x5EED)
        let alphabet = Array("{}[]\":,\\ \t\r\n0123456789-+.eEtrufalsn\u{7F}".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]
        var straightCount = 0
        for round in 0..<20_000 {
            var bytes = Array(Self.samples[round % Self.samples.count].utf8)
            for _ in 0...Int(random.next() % 3) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 4 {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                case 2: if bytes.count > 1 { bytes.remove(at: at) }
                default: bytes = Array(bytes.prefix(at))
                }
            }
            if check(bytes) { straightCount += 1 }
        }
        #expect(straightCount > 500, "\(straightCount) edited lines read straight")
    }

    /// Lines the straight reading leaves to the parser, which then says what is wrong with them, as
    /// it said before the straight reading existed.
    @Test func unusualLinesAreLeftToTheParser() {
        let unusual = [
            #"{"id":"x","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1","id":"y"}"#,
            #"{"\u0069d":"x","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1"}"#,
            #"{"id":"x","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1"} x"#,
            #"["id"]"#,
            #"{"id":"x","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01"}"#,
            #"{"id":"x","type":"dossier.synced","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":""}"#,
            #"{"id":"x","type":"dossier.nope","at":"2026-05-07T12:00:00+07:00","unit":"H44.01","dossier":"D-1"}"#,
            "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}",
        ]
        for line in unusual {
            #expect(straight(Array(line.utf8)) == nil, "\(line)")
        }
        // More than 32 members, all of them valid: left to the parser, which reads the event.
        let wide = String(Self.samples[12].dropLast()) + "," + (0..<30).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(straight(Array(wide.utf8)) == nil)
        #expect(reference(Array(wide.utf8)) != nil)
    }
}
