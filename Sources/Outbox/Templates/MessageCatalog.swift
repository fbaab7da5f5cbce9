/// The message templates the code may queue, with the parameters each one needs.
/// Views/messages/<template>.{sms,email}.mustache and the `messages.<template>` section of the
/// catalogues must match this list (the worker checks it when it starts).
///
/// Parameters never carry document content: a deposit message says that a document exists,
/// nothing about what it says.
public enum MessageCatalog {
    public static let templates: [String: Set<String>] = [
        "document_deposited": [],
        "key_reissued": ["key"],
        "access_locked": ["key"],
        "login_attempts_warning": [],
        "staff_unlock_code": ["code"],
        "contact_code": ["code"],
        "document_reminder": ["days"],
        "login_reminder": ["days"],
        "test_message": [],
        // ANEF: sign-up and lost-password codes; the attestation is ready (never its content).
        "anef_code": ["code"],
        "anef_attestation_ready": [],
        // ANEF, the prefecture's side: documents asked (by when), a decision waiting in the space,
        // the card's convocation, renewals and a renewal that could not be made.
        "anef_documents_requested": ["date"],
        "anef_decision": [],
        "anef_card_available": ["date", "time", "address", "hours"],
        "anef_attestation_renewed": [],
        "anef_renewal_blocked": [],
        // The prefecture's answer to a blockage report, to the contact given (no account needed).
        "anef_blockage_answered": ["answer"],
        // Before a rejection's time limits end (the legal last day), to the person; and the
        // escalations to an accompanying structure's functional address (no name, no content).
        "legal_aid_reminder": ["date"],
        "appeal_reminder": ["date"],
        "structure_document_alert": ["date"],
        "structure_deadline_reminder": ["date"],
    ]

    /// The param that is a count, per template: texts of its section that depend on it are
    /// plural keys (`waiting_one`, `waiting_other`…) and read it as `{{count}}`.
    public static let countParams: [String: String] = [
        "document_reminder": "days",
        "login_reminder": "days",
    ]

    /// Added by the worker to every render: the portal's address. (The e-mail shell also gets
    /// the language and its direction, which layouts do not use.)
    public static let workerParams: Set<String> = ["portal_url"]

    /// Params removed from the row once the message is sent: secrets have no reason to stay
    /// in the database after they reached the person.
    public static let secretParams = ["key", "code"]

    /// Realistic values, for the SMS length checks (start-up warning and tests).
    public static let sampleParams: [String: String] = [
        "key": "K7CF-MX4R-9TWC-HN3P",  // Domain.ConnectionKey printed form
        "code": "482913",
        "days": "12",
        "date": "12/01/2027",
        "time": "09:30",
        "address": "3 av. de la Préfecture, Rennes",
        "hours": "lun.-ven. 9h-16h",
        "answer": "Venez au guichet mardi 9h.",
    ]

    public static func missingParams(template: String, params: [String: String]) -> [String] {
        (templates[template] ?? []).filter { (params[$0] ?? "").isEmpty }.sorted()
    }
}
