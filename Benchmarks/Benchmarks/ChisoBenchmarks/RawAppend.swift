import ChisoCore
import ChisoEngine
import ChisoStore

/// The floor that ingest is measured against (issue 5): the same lines stored as bare rows
/// `(id, type, at, body)` in a one-table SQLite file with no index, through one prepared
/// statement, in transactions of the same batch size, with the same connection settings as
/// chiso's writer (`Database`: WAL, `synchronous=FULL`; automatic checkpoints off and a RESTART
/// checkpoint between batches once the WAL passes 32 MiB, as `Engine.commitBatch` does).
///
/// `id`, `type` and `at` are taken from each line once, before the measurement: the baseline is
/// the cost of storing the events, not of reading them. Texts are bound as ingest binds them
/// (without a copy, the line as bytes), so that the floor is no dearer than the log's own append.
struct RawAppendInput {
    var file: String
    var ids: [String] = []
    var types: [String] = []
    var ats: [Int64] = []

    /// Decodes every line of `file` for its id, type and instant.
    init(file: String, calendar: WorkingCalendar) throws {
        self.file = file
        let decoder = EventDecoder(zone: calendar.zone)
        let source = try LineSource.open(path: file)
        while case .line(let bytes, let number, _) = try source.nextLine() {
            guard let event = try? decoder.decode(JSONParser.parse(bytes)) else {
                throw BenchError("\(file):\(number): the generated line does not decode")
            }
            ids.append(event.id)
            types.append(event.type)
            ats.append(event.at.micros)
        }
    }
}

enum RawAppend {
    static var batchSize: Int { BenchSettings.current.batchSize }
    static let checkpointBytes: Int64 = 32 << 20

    /// Appends every line of `input.file` to a new database at `path`; returns the rows written.
    @discardableResult
    static func run(_ input: RawAppendInput, into path: String) throws -> Int {
        let db = try Database(path: path)
        try db.configureWriter(autoCheckpointPages: 0)
        try db.execute("CREATE TABLE events(id TEXT NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL)")
        let insert = try db.makeStatement("INSERT INTO events(id, type, at, body) VALUES (?, ?, ?, ?)")
        let source = try LineSource.open(path: input.file)
        var row = 0
        var inBatch = 0
        while case .line(let bytes, _, _) = try source.nextLine() {
            guard row < input.ids.count else { throw BenchError("\(input.file) grew after the setup read it") }
            if inBatch == 0 { try db.begin(.immediate) }
            // Bound as `EventStore.appendEvent` binds: the texts without a copy, the line as bytes.
            var id = input.ids[row], type = input.types[row]
            try id.withUTF8 { id in
                try type.withUTF8 { type in
                    insert.bind(borrowedUTF8Text: UnsafeRawBufferPointer(id), at: 1)
                    insert.bind(borrowedUTF8Text: UnsafeRawBufferPointer(type), at: 2)
                    insert.bind(input.ats[row], at: 3)
                    insert.bind(borrowedUTF8Text: bytes, at: 4)
                    try insert.run()
                }
            }
            row += 1
            inBatch += 1
            if inBatch >= batchSize {
                try commit(db)
                inBatch = 0
            }
        }
        if inBatch > 0 { try commit(db) }
        return row
    }

    private static func commit(_ db: Database) throws {
        try db.commit()
        if db.walContentBytes > checkpointBytes { try db.checkpoint(.restart) }
    }
}
