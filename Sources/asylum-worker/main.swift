import ArgumentParser
import Domain
import Foundation
import Jobs
import Logging
import Outbox
import Postgres
import Security
import Web

/// Delivers the notifications outbox. Settings come from ASYLUM_* variables (see
/// WorkerEnvironment); the options below tune one run.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asylum-worker",
        abstract: "Delivers queued SMS and e-mails (the outbox).")

    @Flag(help: "Deliver everything that is due, then exit (tests, benchmarks, cron).")
    var once = false

    @Option(help: "Messages claimed per statement.")
    var batchSize = 100

    @Option(help: "Seconds between polls when no NOTIFY arrives.")
    var pollInterval: Double = 5

    @Option(
        help:
            "Seconds after which a claimed message is taken back from a worker that stopped renewing it (a heartbeat renews it every lease/3)."
    )
    var lease: Double = 15

    @Option(help: "Attempts before a message goes dead.")
    var maxAttempts = 8

    @Option(help: "Seconds between runs of the reminder job (unread documents, absent applicants).")
    var reminderInterval: Double = 300

    @Flag(help: "With --once: run the reminder, escalation and renewal jobs first (at the legal clock's now), then deliver.")
    var runJobs = false

    @Flag(help: "Log at debug level (rendered bodies too, except in production).")
    var verbose = false

    func validate() throws {
        guard batchSize > 0, pollInterval > 0, lease > 0, maxAttempts > 0, reminderInterval > 0 else {
            throw ValidationError("batch size, poll interval, lease and max attempts must be positive")
        }
    }

    func run() throws {
        let level: Logger.Level = verbose ? .debug : .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "asylum-worker")
        let env: WorkerEnvironment
        let templates: MessageTemplates
        do {
            env = try WorkerEnvironment()
            templates = try MessageTemplates(directory: env.templatesDirectory, locales: env.localesDirectory)
        } catch {
            // EX_CONFIG (78), as the app: supervise.sh and systemd (RestartPreventExitStatus)
            // then stop instead of restarting a worker that cannot start.
            logger.critical("cannot start: \(error)")
            throw ExitCode(78)
        }

        // SIGTERM/SIGINT only reach this thread (blocked in every thread before Worker.main()):
        // it sets the flag the worker checks between messages.
        let stop = StopFlag()
        let waiter = Thread {
            var received: Int32 = 0
            var set = stopSignals
            sigwait(&set, &received)
            Logger(label: "asylum-worker").info("signal \(received): finishing the message in hand")
            stop.set()
        }
        waiter.start()

        var config = OutboxWorker.Configuration(workerID: env.workerID, portalURL: env.publicURL, production: env.isProduction)
        config.batchSize = batchSize
        config.pollInterval = pollInterval
        config.lease = lease
        config.retry.maxAttempts = maxAttempts
        config.outageThreshold = env.outageThreshold

        let db = PGConnection(conninfo: env.databaseURL)
        let worker: OutboxWorker
        do {
            try db.connect()
            worker = OutboxWorker(
                db: db, configuration: config, templates: templates,
                transports: try env.makeTransports(), stop: stop)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        // The heartbeat keeps this worker's claims while it lives; a kill leaves them for
        // another worker (or this one restarted) one lease later.
        LeaseKeeper(
            conninfo: env.databaseURL, workerID: env.workerID, lease: lease,
            progress: worker.progress, stop: stop
        ).start()
        // A long ASYLUM_PUBLIC_URL can push an SMS over one segment (70 UCS-2 units in Arabic,
        // Dari…): each language's SMS of each message is checked with realistic params.
        for sms in (try? templates.smsLengths(portalURL: env.publicURL)) ?? [] where !sms.length.fitsOneSegment {
            logger.warning(
                "SMS \(sms.language)/\(sms.template) takes \(sms.length.segments) segments (\(sms.length.units) \(sms.length.encoding.rawValue) units)"
            )
        }
        logger.info("started: \(env.summary) once=\(once) batch=\(batchSize) lease=\(lease)s languages=\(templates.languages)")

        if once {
            do {
                if runJobs {
                    // No advisory lock here: a long-running worker may hold it, and the jobs'
                    // keys make a second run harmless.
                    let jobsDB = PGConnection(conninfo: env.databaseURL)
                    let now = env.legalClock.now()
                    try ReminderJob(logger: logger).run(jobsDB, now: now)
                    _ = try renewals(env.publicURL)?.run(today: ParisCalendar.civilDate(of: now), db: jobsDB)
                }
                let report = try worker.drainOnce()
                logger.info(
                    "drained: claimed=\(report.claimed) sent=\(report.sent) retried=\(report.retried) dead=\(report.dead) failed=\(report.failed) released=\(report.released) rescued=\(report.rescued) already_delivered=\(report.alreadyDelivered)"
                )
            } catch {
                logger.error("drain failed: \(error)")
                throw ExitCode(1)
            }
        } else {
            startReminders(
                conninfo: env.databaseURL, every: reminderInterval, clock: env.legalClock, stop: stop,
                renewals: try renewals(env.publicURL))
            worker.run()
        }
    }
}

/// The reminder job on its own thread and connection. An advisory lock lets only one of several
/// workers run it at a time; the outbox's deduplication keys make a second run harmless anyway.
/// The attestation renewals, when this worker has the signing key (ASYLUM_SIGNING_KEY_FILE):
/// without it the job is off, and says so, rather than issuing documents nobody can verify.
func renewals(_ publicURL: String) throws -> AttestationRenewals? {
    guard let file = ProcessInfo.processInfo.environment["ASYLUM_SIGNING_KEY_FILE"] else {
        Logger(label: "renewals").warning("ASYLUM_SIGNING_KEY_FILE not set: attestations are not renewed by this worker")
        return nil
    }
    let pem = try String(contentsOfFile: file, encoding: .utf8)
    return AttestationRenewals(key: try DocumentSigningKey(pemRepresentation: pem), publicURL: publicURL)
}

func startReminders(conninfo: String, every interval: Double, clock: any LegalClock, stop: StopFlag, renewals: AttestationRenewals? = nil) {
    let thread = Thread {
        let logger = Logger(label: "reminders")
        let db = PGConnection(conninfo: conninfo)
        let job = ReminderJob(logger: logger)
        var next = Date()
        while !stop.isSet {
            if Date() >= next {
                do {
                    if try db.query("SELECT pg_try_advisory_lock(727275) AS ok").first?.get("ok", as: Bool.self) == true {
                        defer { _ = try? db.query("SELECT pg_advisory_unlock(727275)") }
                        // The legal clock: the test clock moves it in the test environment.
                        let now = clock.now()
                        try job.run(db, now: now)
                        _ = try renewals?.run(today: ParisCalendar.civilDate(of: now), db: db)
                    }
                } catch {
                    logger.error("reminder run failed: \(error)")
                }
                next = Date().addingTimeInterval(interval)
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
    thread.name = "reminders"
    thread.start()
}

/// SIGTERM and SIGINT, blocked before any thread exists so that every thread inherits the
/// mask: only the sigwait thread receives them. SIGPIPE is ignored (a closed socket is an error, not death).
let stopSignals: sigset_t = {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    return set
}()
var blocked = stopSignals
pthread_sigmask(SIG_BLOCK, &blocked, nil)
signal(SIGPIPE, SIG_IGN)

Worker.main()
