import ChisoStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of the `chiso` binary (interfaces.md "The command line"), run as a child process.
///
/// The suites are nested here and serialized: the crash test keeps both cores busy, and the live-feed
/// test measures a one-second deadline, so they do not run at the same time.
@Suite(.serialized) struct ChisoCLI {}

/// The built `chiso` binary: next to the test executable (`.build/<triple>/debug/`), which
/// `swift test` builds because this target depends on it. `CHISO_BIN` overrides it.
let chisoBinary: String = {
    if let path = ProcessInfo.processInfo.environment["CHISO_BIN"], !path.isEmpty { return path }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    // The test executable may be a file (`chisoPackageTests.xctest`) or inside a bundle on Darwin.
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("chiso").path), dir.pathComponents.count > 1 {
        dir.deleteLastPathComponent()
    }
    return dir.appendingPathComponent("chiso").path
}()

/// A writer never kills the test process through a pipe whose reader died.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// A new empty folder under the system's temporary folder.
/// A new database in a temporary folder holding `EventLine.province`, ingested by the binary.
func provinceDatabase() throws -> String {
    let db = temporaryFolder().appendingPathComponent("t.sqlite").path
    let setUp = try runChiso(["ingest", "-", "--db", db], input: EventLine.province.joined(separator: "\n") + "\n")
    try #require(setUp.status == 0, "ingest: \(setUp.stderr)")
    return db
}

func temporaryFolder() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chiso-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The environment every child gets: the test's own, with stable help wrapping and without the
/// variables that would point chiso at another database or indicator folder.
func childEnvironment() -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env["COLUMNS"] = "100"
    env["CHISO_DB"] = nil
    env["CHISO_INDICATORS"] = nil
    env["CHISO_UPDATE_SNAPSHOTS"] = nil
    return env
}

/// One running (or finished) `chiso` child. Its standard output and error go to files, so a
/// chatty child never blocks on a full pipe.
final class Child {
    let arguments: [String]
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL
    /// The write end of standard input when the child reads from a pipe.
    let input: FileHandle?

    /// Starts `chiso arguments…`. `stdoutTo` sends standard output to that file (e.g. `generate`);
    /// `pipeInput` gives the child a pipe as standard input (see `write`), else /dev/null;
    /// `environment` adds to (or replaces in) `childEnvironment()`.
    init(_ arguments: [String], stdoutTo: URL? = nil, pipeInput: Bool = false, environment: [String: String] = [:]) throws {
        _ = ignoreSIGPIPE
        self.arguments = arguments
        let dir = temporaryFolder()
        stdoutURL = stdoutTo ?? dir.appendingPathComponent("stdout")
        stderrURL = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: chisoBinary)
        process.arguments = arguments
        process.environment = childEnvironment().merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if pipeInput {
            let pipe = Pipe()
            process.standardInput = pipe
            input = pipe.fileHandleForWriting
        } else {
            process.standardInput = FileHandle.nullDevice
            input = nil
        }
        guard FileManager.default.isExecutableFile(atPath: chisoBinary) else {
            throw CLITestError("the chiso binary is not at \(chisoBinary); build it with `swift build` or set CHISO_BIN")
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var command: String { "chiso " + arguments.joined(separator: " ") }

    /// Writes to the child's standard input.
    func write(_ text: String) throws {
        guard let input else { throw CLITestError("\(command) has no input pipe") }
        try input.write(contentsOf: Data(text.utf8))
    }

    /// Closes the child's standard input: end of file.
    func closeInput() throws { try input?.close() }

    /// Waits for the child to end; on timeout kills it and throws.
    func wait(timeout seconds: Double = 120) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(pid, SIGKILL)
                process.waitUntilExit()
                throw CLITestError("\(command) did not end within \(Int(seconds)) s; killed it")
            }
            usleep(5_000)
        }
        process.waitUntilExit()
    }

    /// The exit status, or the signal number when `killedBySignal`.
    var status: Int32 { process.terminationStatus }
    var killedBySignal: Bool { process.terminationReason == .uncaughtSignal }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

/// Runs `chiso` through `/bin/sh -c script`, for what a shell sets up (`> /dev/full`, `< FILE`, a
/// subshell that reads first): in `script`, `$0` is the binary and `$1`… are `arguments`. Returns the
/// exit status, standard output and standard error.
func runChisoInShell(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = ["-c", script, chisoBinary] + arguments
    shell.environment = childEnvironment()
    let folder = temporaryFolder()
    let (out, err) = (folder.appendingPathComponent("stdout"), folder.appendingPathComponent("stderr"))
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    shell.standardOutput = try FileHandle(forWritingTo: out)
    shell.standardError = try FileHandle(forWritingTo: err)
    try shell.run()
    shell.waitUntilExit()
    return (shell.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// Runs `chiso arguments…` to the end.
@discardableResult
func runChiso(_ arguments: [String], stdoutTo: URL? = nil, input: String? = nil, timeout: Double = 120) throws -> Child {
    let child = try Child(arguments, stdoutTo: stdoutTo, pipeInput: input != nil)
    if let input {
        try child.write(input)
        try child.closeInput()
    }
    try child.wait(timeout: timeout)
    return child
}

/// A failure of the test harness itself, as a sentence.
struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass.
/// Returns whether it held.
func eventually(every interval: Double, for timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        usleep(useconds_t(interval * 1_000_000))
    }
}

/// A read-only look at a chiso database, as a dashboard would have it (a separate connection).
struct LogReader {
    let path: String

    /// The number of events in the log, or nil while the file or its schema does not exist yet.
    func eventCount() -> Int64? {
        guard FileManager.default.fileExists(atPath: path),
              let db = try? Database(path: path, mode: .readOnly) else { return nil }
        return try? db.scalarInt64("SELECT count(*) FROM events")
    }

    /// Whether the event with this id is committed (ids here are test constants, no quoting needed).
    func contains(id: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path),
              let db = try? Database(path: path, mode: .readOnly),
              let n = try? db.scalarInt64("SELECT count(*) FROM events WHERE id = '\(id)'") else { return false }
        return n == 1
    }

    /// The log in order: (id, body) by `seq`.
    func log() throws -> [(id: String, body: String)] {
        let db = try Database(path: path, mode: .readOnly)
        let statement = try db.makeStatement("SELECT id, body FROM events ORDER BY seq")
        var rows: [(id: String, body: String)] = []
        while try statement.step() {
            rows.append((statement.text(at: 0) ?? "", statement.text(at: 1) ?? ""))
        }
        return rows
    }
}

/// Event lines in the shape of events.md (the same as Tests/ChisoEngineTests/Support.swift `Line.unit`).
enum EventLine {
    static func unit(_ id: String, _ code: String, parent: String?, level: String, name: String? = nil) -> String {
        let p = parent.map { "\"\($0)\"" } ?? "null"
        return #"{"id":"\#(id)","type":"unit.declared","at":"2026-01-01T00:00:00+07:00","unit":"\#(code)","name":"\#(name ?? "Unit " + code)","parent":\#(p),"level":"\#(level)"}"#
    }

    /// The units of the engine tests' `smallProvince()`: H44 with H44.01, H44.101, H44.102.
    static let province: [String] = [
        unit("u0", "H44", parent: nil, level: "province", name: "Tỉnh Phú Thọ"),
        unit("u1", "H44.01", parent: "H44", level: "department"),
        unit("u2", "H44.101", parent: "H44", level: "commune"),
        unit("u3", "H44.102", parent: "H44", level: "commune"),
    ]
}

/// A line diff of `expected` against `actual` (longest common subsequence): lines only in
/// `expected` start with "-", lines only in `actual` with "+", with up to two lines of context.
func lineDiff(expected: String, actual: String) -> String {
    let a = expected.components(separatedBy: "\n"), b = actual.components(separatedBy: "\n")
    var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in stride(from: a.count - 1, through: 0, by: -1) {
        for j in stride(from: b.count - 1, through: 0, by: -1) {
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
        }
    }
    var ops: [(mark: Character, text: String)] = []
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if i < a.count, j < b.count, a[i] == b[j] { ops.append((" ", a[i])); i += 1; j += 1 }
        else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] { ops.append(("-", a[i])); i += 1 }
        else { ops.append(("+", b[j])); j += 1 }
    }
    let changed = ops.indices.filter { ops[$0].mark != " " }
    var shown = ""
    var last = -1
    for k in ops.indices where changed.contains(where: { abs($0 - k) <= 2 }) {
        if last >= 0, k > last + 1 { shown += "  …\n" }
        shown += "\(ops[k].mark) \(ops[k].text)\n"
        last = k
    }
    return shown
}
