import CSodium

/// libsodium must be initialised once before use; every entry point here calls this first.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0
    static func ensure() { precondition(ready, "libsodium failed to initialise") }
}
