import Foundation
import XCTest

@testable import Domain

/// A civil date from `yyyy-MM-dd`; fails the test (and returns 1970-01-01) when malformed.
func day(_ iso: String, file: StaticString = #filePath, line: UInt = #line) -> CivilDate {
    guard let date = CivilDate(iso: iso) else {
        XCTFail("bad test date \(iso)", file: file, line: line)
        return CivilDate(year: 1970, month: 1, day: 1)!
    }
    return date
}

/// An instant from ISO 8601 with an explicit offset, e.g. `2025-03-29T23:59:00+01:00`.
func instant(_ iso: String, file: StaticString = #filePath, line: UInt = #line) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: iso) else {
        XCTFail("bad test instant \(iso)", file: file, line: line)
        return Date(timeIntervalSince1970: 0)
    }
    return date
}

/// Returns the scripted values in turn and records every upper bound asked for.
final class ScriptedRandom: RandomSource {
    private var values: [UInt32]
    private(set) var upperBounds: [UInt32] = []

    init(_ values: [UInt32]) {
        self.values = values
    }

    func uniform(_ upperBound: UInt32) -> UInt32 {
        upperBounds.append(upperBound)
        let value = values.removeFirst()
        precondition(value < upperBound, "scripted value out of range")
        return value
    }
}
