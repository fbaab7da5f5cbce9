import Foundation
import XCTest

@testable import Domain

final class KeyActTests: XCTestCase {
    func testUsingAKeyEndsEveryKey() {
        XCTAssertEqual(KeyAct.usedForActivation.effect, .consumeAll)
        XCTAssertEqual(KeyAct.usedForReset.effect, .consumeAll)
    }

    func testAKeyMintedByStaffReplacesEveryEarlierKey() {
        XCTAssertEqual(KeyAct.reissued.effect, .replaceAll)
    }

    func testAKeySentOnRequestIsAddedForADayOnly() {
        for act in [KeyAct.sentOnRequest, .sentWithLockNotice] {
            XCTAssertEqual(act.effect, .addBeside(validFor: 86_400), "\(act)")
        }
    }
}
