-- Issue 14: the person tells their page the day they asked for legal aid for a CNDA appeal.
-- Asked within the legal-aid time limit, it suspends the appeal time limit (loi du
-- 10 septembre 2018), which the page then shows as suspended. Their own declaration, not a
-- proof: the legal-aid office's answer starts the new month. Each change is in auth_events.
ALTER TABLE documents ADD COLUMN legal_aid_requested_on date
    CHECK (legal_aid_requested_on IS NULL OR kind IN ('decision_rejection', 'decision_inadmissibility'));
