import Domain
import Foundation
import Postgres

/// Providers' delivery receipts (delivery_receipts, Migrations/018_delivery.sql) and the message
/// status they settle. One transaction per receipt, the message's row locked meanwhile, so
/// receipts of one message arriving together (or with the worker's outcome) are applied one after
/// the other; DeliveryStatus.settle makes their order and their replays irrelevant.
enum DeliveryReceipts {
    enum Outcome: Equatable {
        /// Stored (`replay`: the same receipt was already there) and settled.
        case recorded(status: DeliveryStatus, replay: Bool, changed: Bool)
        /// No message of ours under that reference.
        case unknownReference
        /// The reference is ours but the receipt does not match the message (another provider
        /// id, another channel): refused, nothing stored.
        case mismatch(String)
    }

    static func record(_ receipt: ReceiptPayload, db: PGConnection) throws -> Outcome {
        guard let id = receipt.messageID else { return .unknownReference }
        return try db.transaction { tx in
            guard
                let row = try tx.query(
                    """
                    SELECT channel, provider_ref, delivery_status, delivery_status_at
                    FROM outbox_messages WHERE id = $1 FOR UPDATE
                    """, [id]
                ).first
            else { return .unknownReference }
            let providerRef: String? = try row.optional("provider_ref")
            if let providerRef, receipt.providerID != providerRef { return .mismatch("provider id") }
            if let channel = receipt.channel, channel != (try row.get("channel", as: String.self)) { return .mismatch("channel") }
            let inserted = try tx.query(
                """
                INSERT INTO delivery_receipts (message_id, provider_ref, status, reported_at)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (message_id, status, reported_at) DO NOTHING
                RETURNING id
                """, [id, receipt.providerID, receipt.status.rawValue, receipt.reportedAt])
            let current = (
                status: DeliveryStatus(rawValue: try row.get("delivery_status")) ?? .created,
                at: try row.get("delivery_status_at", as: Date.self)
            )
            let settled = DeliveryStatus.settle(current: current, incoming: (receipt.status, receipt.reportedAt))
            // Times come back from PostgreSQL in microseconds: closer than that is the same time.
            let changed = settled.status != current.status || abs(settled.at.timeIntervalSince(current.at)) >= 0.000_001
            if changed {
                try tx.query(
                    """
                    UPDATE outbox_messages
                    SET delivery_status = $2, delivery_status_at = $3, delivery_from_receipt = true
                    WHERE id = $1
                    """, [id, settled.status.rawValue, settled.at])
            }
            return .recorded(status: settled.status, replay: inserted.first == nil, changed: changed)
        }
    }
}
