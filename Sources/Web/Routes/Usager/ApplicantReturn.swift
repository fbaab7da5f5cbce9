import HTTP

/// Where the applicant's login leads back to: a page of their own space they were sent away
/// from (a document after logout or session expiry). Only a plain local path under `/usager/`
/// is kept, from a short list of characters, so it can never lead off the site (`//host`,
/// `/\\host`, a scheme, tabs or newlines a browser drops) or climb out (`..`); anything else
/// is ignored and the login goes to the space home.
enum ApplicantReturn {
    static let maxLength = 200

    static func validated(_ value: String?) -> String? {
        guard let v = value, v.utf8.count <= maxLength, v.hasPrefix("/usager/") else { return nil }
        let allowed = v.unicodeScalars.allSatisfy { s in
            s.isASCII
                && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || "/-_.?=&".unicodeScalars.contains(s))
        }
        guard allowed, !v.contains("//"), !v.contains("..") else { return nil }
        return v
    }

    /// The login page, with the way back when `path` is one.
    static func loginPath(returningTo path: String) -> String {
        guard let back = validated(path) else { return "/usager/connexion" }
        return "/usager/connexion?retour=" + FormData.percentEncode(back)
    }
}
