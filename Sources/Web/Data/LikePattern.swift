/// What someone typed in a search box, as a LIKE/ILIKE pattern that finds it anywhere: `%`, `_`
/// and `\` are characters there, not wildcards or an escape. Queries using it say `ESCAPE '\'`.
enum LikePattern {
    static func containing(_ typed: String) -> String {
        var pattern = "%"
        for c in typed {
            if c == "%" || c == "_" || c == "\\" { pattern.append("\\") }
            pattern.append(c)
        }
        return pattern + "%"
    }
}
