import Domain
import Security

/// The domain's random source backed by libsodium's CSPRNG.
struct SodiumRandom: RandomSource {
    func uniform(_ upperBound: UInt32) -> UInt32 { SecureRandom.uniform(upperBound) }
}
