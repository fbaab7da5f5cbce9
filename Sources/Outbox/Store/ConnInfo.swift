/// libpq connection strings, both forms ("host=… dbname=…" and "postgresql://…").
public enum ConnInfo {
    /// The same connection with `search_path` set to `schema` then public: tests and tools
    /// that want a private copy of the tables in a shared database.
    public static func withSearchPath(_ conninfo: String, schema: String) -> String {
        withServerOption(conninfo, "search_path=\(schema),public")
    }

    /// Adds a `-c name=value` server setting (value without spaces), kept across reconnects.
    public static func withServerOption(_ conninfo: String, _ setting: String) -> String {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            let encoded = "-c" + setting.replacingOccurrences(of: "=", with: "%3D").replacingOccurrences(of: ",", with: "%2C")
            return conninfo + (conninfo.contains("?") ? "&" : "?") + "options=" + encoded
        }
        return conninfo + " options='-c\(setting)'"
    }
}
