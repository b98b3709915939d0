-- A password-change request of an account no area admin manages (an area
-- officer, an area admin himself, a citizen without a role) is stored
-- without an area and reaches the OBEC super admin's queue: area_id may be
-- NULL. SQLite cannot drop a NOT NULL, so the table is rebuilt with its
-- rows and ids (no other table points at it).
CREATE TABLE password_requests_new (
	id INTEGER PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	area_id BIGINT REFERENCES areas (id),
	reason TEXT NOT NULL CHECK (reason IN ('forgot', 'disclosed', 'shared')),
	channel TEXT NOT NULL CHECK (channel IN ('email', 'line')),
	line_id TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
	ip TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users (id),
	decided_at BIGINT,
	reject_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO password_requests_new SELECT id, user_id, area_id, reason, channel, line_id, phone, note, status, ip,
	created_at, decided_by, decided_at, reject_reason FROM password_requests;
DROP TABLE password_requests;
ALTER TABLE password_requests_new RENAME TO password_requests;
CREATE INDEX password_requests_area ON password_requests (area_id, status, id);
CREATE INDEX password_requests_user ON password_requests (user_id, status);
