import CGD

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libgd reports problems (its own and libjpeg's/libpng's warnings) through one process-wide
/// error method that prints to stderr by default. We install ours once; it counts each
/// message in the `Messages` of the decode running on the calling thread (libgd calls it
/// synchronously) and drops the text, so nothing reaches stderr.
final class Messages {
    private(set) var warnings = 0
    private(set) var errors = 0

    fileprivate func record(priority: Int32) {
        // Syslog levels (gd_errors.h, not reachable through gd.h): LOG_ERR 3, LOG_WARNING 4.
        if priority <= 3 { errors += 1 } else if priority <= 4 { warnings += 1 }
    }

    /// Runs `body` with `messages` collecting what libgd reports on this thread meanwhile.
    static func collect<T>(into messages: Messages, _ body: () -> T) -> T {
        let key = installation
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(messages).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return withExtendedLifetime(messages) { body() }
    }
}

/// Created once, thread-safely (a global's initialiser runs exactly once): the thread-local
/// slot and the error method that reads it.
private let installation: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
    gdSetErrorMethod(handleMessage)
    return key
}()

private let handleMessage: gdErrorMethod = { priority, _, _ in
    guard let slot = pthread_getspecific(installation) else { return }
    Unmanaged<Messages>.fromOpaque(slot).takeUnretainedValue().record(priority: priority)
}
