import Foundation
import XCTest

@testable import Domain

final class DeliveryStatusTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    func testRawValuesAreTheDatabasesAndReceiptsUseHyphens() {
        XCTAssertEqual(
            DeliveryStatus.allCases.map(\.rawValue),
            ["created", "sending", "delivered", "permanent_failure", "temporary_failure", "technical_failure"])
        XCTAssertEqual(DeliveryStatus(receipt: "permanent-failure"), .permanentFailure)
        XCTAssertEqual(DeliveryStatus(receipt: "temporary-failure"), .temporaryFailure)
        XCTAssertEqual(DeliveryStatus(receipt: "technical-failure"), .technicalFailure)
        XCTAssertEqual(DeliveryStatus(receipt: "delivered"), .delivered)
        XCTAssertEqual(DeliveryStatus(receipt: "sending"), .sending)
        XCTAssertNil(DeliveryStatus(receipt: "created"), "a receipt never says created")
        XCTAssertNil(DeliveryStatus(receipt: "DELIVERED"))
        XCTAssertNil(DeliveryStatus(receipt: ""))
    }

    func testFailuresAndFinalStatuses() {
        XCTAssertEqual(DeliveryStatus.allCases.filter(\.isFailure), [.permanentFailure, .temporaryFailure, .technicalFailure])
        XCTAssertEqual(DeliveryStatus.allCases.filter(\.isFinal), [.delivered, .permanentFailure, .technicalFailure])
    }

    func testALateSendingNeverUndoesDelivered() {
        let settled = DeliveryStatus.settle(current: (.delivered, at(10)), incoming: (.sending, at(20)))
        XCTAssertEqual(settled.status, .delivered)
        XCTAssertEqual(settled.at, at(10))
    }

    func testADeliveryAfterATemporaryFailureWins() {
        XCTAssertEqual(DeliveryStatus.settle(current: (.temporaryFailure, at(5)), incoming: (.delivered, at(9))).status, .delivered)
        // Even when the failure is reported later than the delivery (receipts out of order).
        XCTAssertEqual(DeliveryStatus.settle(current: (.delivered, at(9)), incoming: (.temporaryFailure, at(50))).status, .delivered)
    }

    func testABounceAfterDeliveredIsReal() {
        let settled = DeliveryStatus.settle(current: (.delivered, at(1)), incoming: (.permanentFailure, at(60)))
        XCTAssertEqual(settled.status, .permanentFailure)
        XCTAssertEqual(settled.at, at(60))
    }

    func testEqualRankTakesTheLaterTimeThenAFixedOrder() {
        XCTAssertEqual(
            DeliveryStatus.settle(current: (.technicalFailure, at(1)), incoming: (.permanentFailure, at(2))).status, .permanentFailure)
        XCTAssertEqual(
            DeliveryStatus.settle(current: (.permanentFailure, at(2)), incoming: (.technicalFailure, at(1))).status, .permanentFailure)
        // Same time: the same winner whichever came first.
        let a = DeliveryStatus.settle(current: (.permanentFailure, at(3)), incoming: (.technicalFailure, at(3)))
        let b = DeliveryStatus.settle(current: (.technicalFailure, at(3)), incoming: (.permanentFailure, at(3)))
        XCTAssertEqual(a.status, b.status)
        // The same status reported again later moves its time.
        XCTAssertEqual(DeliveryStatus.settle(current: (.sending, at(1)), incoming: (.sending, at(4))).at, at(4))
    }

    func testAReplayChangesNothing() {
        let once = DeliveryStatus.settle(current: (.sending, at(0)), incoming: (.delivered, at(7)))
        let twice = DeliveryStatus.settle(current: once, incoming: (.delivered, at(7)))
        XCTAssertEqual(twice.status, once.status)
        XCTAssertEqual(twice.at, once.at)
    }

    /// Receipts in any order, some twice: every order ends in the same status and time.
    func testEveryPermutationOfASetOfReceiptsEndsInTheSameStatus() {
        let sets: [[(status: DeliveryStatus, at: Date)]] = [
            [(.sending, at(1)), (.temporaryFailure, at(2)), (.delivered, at(3)), (.sending, at(1))],
            [(.sending, at(1)), (.delivered, at(3)), (.permanentFailure, at(90)), (.temporaryFailure, at(2))],
            [(.technicalFailure, at(5)), (.permanentFailure, at(5)), (.delivered, at(4)), (.sending, at(6))],
            [(.temporaryFailure, at(1)), (.temporaryFailure, at(8)), (.sending, at(9)), (.temporaryFailure, at(8))],
        ]
        for receipts in sets {
            var ends = Set<String>()
            for order in permutations(Array(receipts.indices)) {
                var state: (status: DeliveryStatus, at: Date) = (.created, t0)
                for i in order { state = DeliveryStatus.settle(current: state, incoming: receipts[i]) }
                ends.insert("\(state.status.rawValue)@\(state.at.timeIntervalSince1970)")
            }
            XCTAssertEqual(ends.count, 1, "\(receipts.map(\.status)): \(ends)")
        }
    }

    func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i -> [[Int]] in
            var rest = items
            let first = rest.remove(at: i)
            return permutations(rest).map { [first] + $0 }
        }
    }
}
