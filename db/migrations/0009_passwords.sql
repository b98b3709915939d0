-- Passwords (ACC-8, ACC-9), owned by src/acc/password*.c.
--
-- A new password waiting for its OTP (ACC-8). Opening a set-password link
-- and choosing a password uses the link up; the password chosen is kept
-- here, only as its argon2id hash, and takes effect (users.password_hash)
-- when the 6-digit code e-mailed to the user is confirmed. Until then the
-- account's old password, if any, stays as it was. The browser that used
-- the link holds a random flow secret in a cookie; only its SHA-256 is
-- stored (flow_hash), so the OTP page knows whose code it checks without
-- a user id in the URL. One pending password per user: a newer link
-- replaces the row.
CREATE TABLE password_pending (
	user_id BIGINT PRIMARY KEY REFERENCES users (id),
	flow_hash TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX password_pending_expires ON password_pending (expires_at);

-- Password-change requests (ACC-9, the form of seed 003's appendix) from
-- someone who cannot sign in: the reason, the channel the new password
-- should reach him by, and the area whose admins decide (the account's
-- area when the request was made). Approval resets the password and
-- e-mails a set-password link to the account's registered address;
-- rejection keeps a reason.
CREATE TABLE password_requests (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
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
-- The area admin's queue, newest first, per status.
CREATE INDEX password_requests_area ON password_requests (area_id, status, id);
-- "one open request per user".
CREATE INDEX password_requests_user ON password_requests (user_id, status);
