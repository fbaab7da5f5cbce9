/// Where secrets get their randomness. The web layer passes libsodium's CSPRNG
/// (`randombytes_uniform`); tests pass scripted values. Domain never picks a generator itself.
public protocol RandomSource {
    /// A uniformly distributed value in `0..<upperBound`, without modulo bias.
    func uniform(_ upperBound: UInt32) -> UInt32
}
