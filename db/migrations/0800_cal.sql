-- The area's data calendar (X-7), owned by src/cal/.
--
-- cal_feeds: the secret of each iCalendar subscription link, one per area
-- or school (scope, unit_id), stored as the SHA-256 (hex) of the token
-- only; making a new link replaces the row, so the old one stops working.
CREATE TABLE cal_feeds (
	scope TEXT NOT NULL CHECK (scope IN ('area', 'school')),
	unit_id BIGINT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	created_by BIGINT REFERENCES users (id),
	PRIMARY KEY (scope, unit_id)
);

-- cal_reminders: each e-mail reminder sent, claimed by inserting its row
-- in the transaction that queues its mails (src/cal/remind.c): the
-- deadline's key (core/module.h's deadlines hook), the school that owed
-- it, the kind (7: a week before, 1: the day before) and the due time it
-- was sent for, so a moved deadline is reminded again and nothing twice.
CREATE TABLE cal_reminders (
	deadline_key TEXT NOT NULL,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	kind BIGINT NOT NULL CHECK (kind IN (1, 7)),
	due TEXT NOT NULL,
	sent_at BIGINT NOT NULL,
	PRIMARY KEY (deadline_key, school_id, kind, due)
);
