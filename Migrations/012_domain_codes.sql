-- The eligibility outcome was stored as the web catalogue's key ('eligibility.minor'): the
-- database spoke the interface's words. It now holds Domain's codes (ExclusionReason.Code),
-- and the schema refuses anything else, so a renamed text can never orphan a stored outcome.
UPDATE applicants SET eligibility = CASE eligibility
        WHEN 'eligibility.already_protected' THEN 'already_protected'
        WHEN 'eligibility.minor' THEN 'unaccompanied_minor'
        WHEN 'eligibility.overseas' THEN 'overseas'
        WHEN 'eligibility.unknown_site' THEN 'unknown_site'
        WHEN 'eligibility.dublin' THEN 'dublin_not_requalified'
        WHEN 'eligibility.site_not_yet_in_scope' THEN 'site_not_yet_in_scope'
        WHEN 'eligibility.requalified_before_site_start' THEN 'requalified_before_site_start'
        ELSE eligibility
    END
    WHERE eligibility LIKE 'eligibility.%';

ALTER TABLE applicants ADD CONSTRAINT applicants_eligibility_code CHECK (eligibility IN (
    'in_scope', 'already_protected', 'unaccompanied_minor', 'overseas', 'unknown_site',
    'dublin_not_requalified', 'site_not_yet_in_scope', 'requalified_before_site_start'));
