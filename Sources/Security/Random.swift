import CSodium

/// Cryptographically secure randomness (libsodium's CSPRNG).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: count)
        randombytes_buf(&out, count)
        return out
    }

    /// Uniform integer in 0..<upperBound, without modulo bias.
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        Sodium.ensure()
        return randombytes_uniform(upperBound)
    }

    /// A URL-safe token carrying `byteCount` random bytes (256 bits by default).
    public static func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}

public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Sodium.ensure()
        let variant = Int32(sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        let len = sodium_base64_encoded_len(bytes.count, variant)
        var out = [CChar](repeating: 0, count: len)
        _ = sodium_bin2base64(&out, len, bytes, bytes.count, variant)
        return String(cString: out)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        Sodium.ensure()
        let variant = Int32(sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        let input = Array(text.utf8)
        var out = [UInt8](repeating: 0, count: input.count)
        var written = 0
        let rc = sodium_base642bin(&out, out.count, text, input.count, nil, &written, nil, variant)
        guard rc == 0 else { return nil }
        return Array(out.prefix(written))
    }
}

public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}
