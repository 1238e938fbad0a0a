/// A compact binary form of dossier and petition records, for the store's per-dossier state.
///
/// Layout: a version byte, then entries as (id, at, unit, action tag, payload) with LEB128 varints
/// and length-prefixed UTF-8. The unit is kept only where the lifecycle reads it (details.md 18).
public enum RecordCodec {
    static let version: UInt8 = 1

    public static func encode(_ record: DossierRecord) -> [UInt8] {
        var w = ByteWriter()
        w.byte(version)
        w.varint(UInt64(record.entries.count))
        for e in record.entries {
            w.string(e.id)
            w.signed(e.at.micros)
            switch e.action {
            case .received, .transferred: w.string(e.unit)
            default: w.string("")
            }
            switch e.action {
            case .submitted(let p): w.byte(0); w.string(p)
            case .received(let r):
                w.byte(1); w.string(r.procedure); w.byte(r.channel == .direct ? 0 : r.channel == .online ? 1 : 2)
                var flags: UInt8 = 0
                if r.anyDigitized { flags |= 1 }
                if r.anyReused { flags |= 2 }
                if r.anyFromPersonalStore { flags |= 4 }
                if r.populationData { flags |= 8 }
                if r.due != nil { flags |= 16 }
                w.byte(flags)
                if let due = r.due { w.signed(due.micros) }
                w.double(r.fee)
            case .refused: w.byte(2)
            case .transferred(let to): w.byte(3); w.string(to)
            case .supplementRequested: w.byte(4)
            case .supplemented: w.byte(5)
            case .paid(let online): w.byte(6); w.byte(online ? 1 : 0)
            case .apologized(let newDue):
                w.byte(7); w.byte(newDue == nil ? 0 : 1)
                if let newDue { w.signed(newDue.micros) }
            case .finished(let approved, let electronic, let pushed):
                w.byte(8); w.byte((approved ? 1 : 0) | (electronic ? 2 : 0) | (pushed ? 4 : 0))
            case .returned: w.byte(9)
            case .withdrawn: w.byte(10)
            case .stopped: w.byte(11)
            case .synced: w.byte(12)
            case .rated(let r): w.byte(13); w.byte(r == .satisfied ? 0 : r == .neutral ? 1 : 2)
            case .petitionFiled(let p): w.byte(14); w.string(p)
            }
        }
        return w.bytes
    }

    public static func decodeDossier(code: String, _ bytes: UnsafeRawBufferPointer) throws(RecordCodecError) -> DossierRecord {
        var r = ByteReader(bytes)
        guard try r.byte() == version else { throw RecordCodecError(message: "unknown record version for dossier \(code)") }
        let n = Int(try r.varint())
        var entries: [DossierEntry] = []
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let id = try r.string()
            let at = Instant(micros: try r.signed())
            let unit = try r.string()
            let action: DossierAction
            switch try r.byte() {
            case 0: action = .submitted(procedure: try r.string())
            case 1:
                let procedure = try r.string()
                let ch = try r.byte()
                let flags = try r.byte()
                let due: Instant? = flags & 16 != 0 ? Instant(micros: try r.signed()) : nil
                let fee = try r.double()
                action = .received(Receipt(procedure: procedure, channel: ch == 0 ? .direct : ch == 1 ? .online : .postal, due: due,
                                           anyDigitized: flags & 1 != 0, anyReused: flags & 2 != 0, anyFromPersonalStore: flags & 4 != 0,
                                           populationData: flags & 8 != 0, fee: fee))
            case 2: action = .refused
            case 3: action = .transferred(to: try r.string())
            case 4: action = .supplementRequested
            case 5: action = .supplemented
            case 6: action = .paid(online: try r.byte() == 1)
            case 7: action = .apologized(newDue: try r.byte() == 1 ? Instant(micros: try r.signed()) : nil)
            case 8:
                let f = try r.byte()
                action = .finished(approved: f & 1 != 0, electronicResult: f & 2 != 0, pushedToPersonalStore: f & 4 != 0)
            case 9: action = .returned
            case 10: action = .withdrawn
            case 11: action = .stopped
            case 12: action = .synced
            case 13:
                let b = try r.byte()
                action = .rated(b == 0 ? .satisfied : b == 1 ? .neutral : .unsatisfied)
            case 14: action = .petitionFiled(petition: try r.string())
            default: throw RecordCodecError(message: "unknown action tag in dossier \(code)")
            }
            entries.append(DossierEntry(id: id, at: at, unit: unit, action: action))
        }
        return DossierRecord(presorted: code, entries: entries)
    }

    public static func encode(_ record: PetitionRecord) -> [UInt8] {
        var w = ByteWriter()
        w.byte(version)
        w.varint(UInt64(record.entries.count))
        for e in record.entries {
            w.string(e.id)
            w.signed(e.at.micros)
            w.string(e.unit)
            switch e.action {
            case .filed(let c, let d):
                w.byte(0); w.byte(c == .procedure ? 0 : c == .staff ? 1 : 2); w.byte(d == nil ? 0 : 1)
                if let d { w.string(d) }
            case .transferred(let to): w.byte(1); w.string(to)
            case .answered: w.byte(2)
            case .rated(let s): w.byte(3); w.byte(s ? 1 : 0)
            case .reraised: w.byte(4)
            }
        }
        return w.bytes
    }

    public static func decodePetition(code: String, _ bytes: UnsafeRawBufferPointer) throws(RecordCodecError) -> PetitionRecord {
        var r = ByteReader(bytes)
        guard try r.byte() == version else { throw RecordCodecError(message: "unknown record version for petition \(code)") }
        let n = Int(try r.varint())
        var entries: [PetitionEntry] = []
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let id = try r.string()
            let at = Instant(micros: try r.signed())
            let unit = try r.string()
            let action: PetitionAction
            switch try r.byte() {
            case 0:
                let c = try r.byte()
                let hasDossier = try r.byte() == 1
                action = .filed(category: c == 0 ? .procedure : c == 1 ? .staff : .other, dossier: hasDossier ? try r.string() : nil)
            case 1: action = .transferred(to: try r.string())
            case 2: action = .answered
            case 3: action = .rated(satisfied: try r.byte() == 1)
            case 4: action = .reraised
            default: throw RecordCodecError(message: "unknown action tag in petition \(code)")
            }
            entries.append(PetitionEntry(id: id, at: at, unit: unit, action: action))
        }
        return PetitionRecord(code: code, entries: entries)
    }
}

extension RecordCodec {
    /// A stored record's `earliest` (`DossierRecord.earliest`, `PetitionRecord.earliest`), read from
    /// its first entry without decoding the rest, so that the candidate readers skip a record with
    /// no event before E undecoded. Dossier and petition records share the prefix (version, entry
    /// count, then the first entry's id and `at`) and store their entries in lifecycle order.
    public static func earliestInstant(_ bytes: UnsafeRawBufferPointer) throws(RecordCodecError) -> Instant? {
        var r = ByteReader(bytes)
        guard try r.byte() == version else { throw RecordCodecError(message: "unknown record version") }
        guard try r.varint() > 0 else { return nil }
        try r.skipString()
        return Instant(micros: try r.signed())
    }
}

/// A stored record could not be read back: the database was written by another version or is damaged.
public struct RecordCodecError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message + "; run `chiso rebuild` to recompute the state from the event log" }
}

extension DossierRecord {
    /// A record from entries already in lifecycle order (as the codec stores them).
    init(presorted code: String, entries: [DossierEntry]) {
        self.init(code: code)
        self.replaceEntries(entries)
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(256) }
    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func signed(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            varint(UInt64(buf.count))
            bytes.append(contentsOf: buf)
        }
    }
    mutating func double(_ d: Double) {
        var bits = d.bitPattern
        for _ in 0..<8 { bytes.append(UInt8(bits & 0xff)); bits >>= 8 }
    }
}

struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    mutating func byte() throws(RecordCodecError) -> UInt8 {
        guard offset < buffer.count else { throw RecordCodecError(message: "truncated record") }
        defer { offset += 1 }
        return buffer[offset]
    }
    /// One-byte values, the common case of tally cells and record fields, take the first branch.
    @inline(__always)
    mutating func varint() throws(RecordCodecError) -> UInt64 {
        if offset < buffer.count {
            let b = buffer[offset]
            if b < 0x80 { offset += 1; return UInt64(b) }
        }
        return try longVarint()
    }
    mutating func longVarint() throws(RecordCodecError) -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw RecordCodecError(message: "bad varint in record") }
        }
    }
    mutating func signed() throws(RecordCodecError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    mutating func string() throws(RecordCodecError) -> String {
        let n = Int(try varint())
        guard n <= buffer.count - offset else { throw RecordCodecError(message: "truncated string in record") }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + n]), as: UTF8.self)
        offset += n
        return s
    }
    mutating func skipString() throws(RecordCodecError) {
        let n = Int(try varint())
        guard n <= buffer.count - offset else { throw RecordCodecError(message: "truncated string in record") }
        offset += n
    }
    mutating func double() throws(RecordCodecError) -> Double {
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(try byte()) << (8 * UInt64(i)) }
        return Double(bitPattern: bits)
    }
}
