-- 0004 on SQLite: audit trail, single-use tokens and rate-limit counters.
-- The tables are the same as in 0004_audit_tokens.pg.sql (keep the two in
-- step); only the append-only triggers differ per engine.

-- The audit trail (ACC-10, X-5): who did what, when, from where. Written by
-- src/core/audit.c and never changed afterwards: triggers (below) refuse
-- every UPDATE and DELETE, so neither a bug nor a handler with a wrong
-- WHERE can rewrite history; only the database's owner, by dropping the
-- triggers, could. actor_user_id, area_id and target_id are NULL when there
-- is none (a failed sign-in has no actor). There is no foreign key to users:
-- the trail must outlive whatever it names, and users come later (0005).
-- area_id is the area the action concerns — the one whose admins may read
-- the row. detail is compact JSON text or NULL. Times are UTC seconds.
CREATE TABLE audit (
	id @ID@,
	at BIGINT NOT NULL,
	actor_user_id BIGINT,
	actor_role TEXT NOT NULL DEFAULT '',
	area_id BIGINT,
	ip TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id BIGINT,
	detail TEXT
);
-- An area admin's list, newest first; the super admin's list of everything;
-- one account's history; one actor's doings.
CREATE INDEX audit_area_at ON audit (area_id, at DESC, id DESC);
CREATE INDEX audit_at ON audit (at DESC, id DESC);
CREATE INDEX audit_target ON audit (target_type, target_id);
CREATE INDEX audit_actor ON audit (actor_user_id, at DESC);

-- Single-use secrets sent by e-mail (ACC-8): set-password links and OTP
-- codes (src/core/token.c). Only a hash is stored: SHA-256 of a link's
-- secret; for an OTP a BLAKE2b keyed with the row's random salt. Issuing a
-- new one for the same kind, purpose and user sets superseded_at on the
-- earlier live ones; using one sets used_at. attempts counts wrong OTP
-- guesses (a code dies at 5).
CREATE TABLE tokens (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('link', 'otp')),
	purpose TEXT NOT NULL,
	user_id BIGINT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	salt TEXT NOT NULL DEFAULT '',
	expires_at BIGINT NOT NULL,
	used_at BIGINT,
	superseded_at BIGINT,
	attempts BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
-- Re-issue (supersede the live ones) and the OTP check (the newest one).
CREATE INDEX tokens_user ON tokens (user_id, purpose, kind, id);
-- The purge of long-expired rows.
CREATE INDEX tokens_expires ON tokens (expires_at);

-- Failures counted against a key ("signin:user:42", "signin:ip:…") for rate
-- limits shared by every instance (src/core/ratelimit.c): hits failures in
-- the second at. Rows older than a day are purged by a job.
CREATE TABLE ratelimit (
	key TEXT NOT NULL,
	at BIGINT NOT NULL,
	hits BIGINT NOT NULL,
	PRIMARY KEY (key, at)
);
CREATE INDEX ratelimit_at ON ratelimit (at);

-- Append-only: RAISE(ABORT) fails the statement (SQLITE_CONSTRAINT, which
-- db.h reports as 409, as PostgreSQL's restrict_violation below).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only: DELETE refused');
END;
