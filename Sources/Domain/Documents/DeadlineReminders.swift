/// When the person (and their structure) are reminded of a deadline that is still running:
/// a week before its legal last day, then two days before.
public enum DeadlineReminders {
    public static let daysBefore = [7, 2]

    /// The reminder due on `today` for each running (not suspended, not passed) deadline: the
    /// smallest offset whose day (lastDay − offset) has come, if any; at most one per deadline.
    /// A job that missed a day (an outage) sends the closest reminder, not every missed one;
    /// the sender keeps one per deadline and offset.
    public static func due(_ deadlines: [Deadline], today: CivilDate) -> [(kind: Deadline.Kind, daysBefore: Int)] {
        deadlines.compactMap { deadline in
            let left = today.days(until: deadline.lastDay)
            // Counted from `today`, not from the day the deadline was built for.
            guard !deadline.legalAidRequestedInTime, left >= 0,
                let offset = daysBefore.sorted().first(where: { left <= $0 })
            else { return nil }
            return (deadline.kind, offset)
        }
    }
}
