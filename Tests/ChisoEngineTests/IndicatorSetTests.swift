import Foundation
import Testing
@testable import ChisoCore
@testable import ChisoEngine

/// details.md 27: profiles and the calendar come from `--indicators DIR`, else `$CHISO_INDICATORS`, else the
/// copy built into the binary — which must hold exactly the files of `indicators/`.
@Suite struct IndicatorSetTests {
    @Test func builtInCopyEqualsTheFiles() throws {
        let dir = repositoryRoot + "/indicators"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == BuiltinIndicators.files.keys.sorted(), "run scripts/embed-indicators.py")
        for name in files {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(BuiltinIndicators.files[name] == text.trimmingSuffixNewlines(), "\(name) differs from its built-in copy; run scripts/embed-indicators.py")
        }
    }

    @Test func defaultCalendarHoldsExactlyTheSpecDates() throws {
        // The specification's file beside the repository, else its copy (kept equal to it by ChisoCoreTests).
        let shared = repositoryRoot + "/../shared/spec/calendar-vn.json"
        let path = FileManager.default.fileExists(atPath: shared) ? shared : repositoryRoot + "/Tests/Fixtures/calendar-vn.json"
        let spec = try String(contentsOfFile: path, encoding: .utf8)
        let reference = try WorkingCalendar(fileText: spec, name: "calendar-vn.json")
        let builtIn = try IndicatorSet(directory: nil).calendar()
        #expect(builtIn.holidays == reference.holidays)
        #expect(builtIn.extraWorkdays == reference.extraWorkdays)
        #expect(builtIn.holidays.count == 46 && builtIn.extraWorkdays.count == 2)
    }

    @Test func unknownProfileNamesTheBuiltInOnes() throws {
        #expect {
            _ = try IndicatorSet(directory: nil).profile(named: "dvcqg-2099")
        } throws: { error in
            "\(error)".contains("dvcqg-2026") && "\(error)".contains("qd766-2022")
        }
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
