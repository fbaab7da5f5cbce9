/// What a staff account may do. Applicants and ANEF users are not staff: they log in
/// through their own spaces and never hold a role.
public enum Role: String, CaseIterable, Sendable {
    case administrator = "admin"
    case gudaAgent = "guda"
    case spadaStaff = "spada"
    case cadaStaff = "cada"
    case hudaStaff = "huda"
    case ofiiAgent = "ofii"
    case ofpraAgent = "ofpra"
    case prefectureInstructor = "prefecture"

    /// Staff of accompaniment structures: they follow dates, never documents.
    public var isProfessional: Bool { [.spadaStaff, .cadaStaff, .hudaStaff].contains(self) }
    /// State agents with back-office pages.
    public var isAgent: Bool { [.gudaAgent, .ofiiAgent, .ofpraAgent, .prefectureInstructor].contains(self) }
}
