// Catalogue.swift throws Config.ConfigError (Sources/Web/Config.swift, which needs the whole
// Web module); the fuzz build only needs the error type.
enum Config {
    struct ConfigError: Error { let description: String }
}
