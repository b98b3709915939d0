-- Accounts, roles and sessions (ACC-1 … ACC-3), owned by src/acc/.
--
-- One person has one account (ACC-1): the citizen ID, the e-mail and the
-- username are each UNIQUE, so no code path — self-registration, an admin
-- adding a school admin, an import — can ever store a second account for
-- the same person, even when two requests race. E-mail and username are
-- stored lower-case by the code, so the plain UNIQUE index is the
-- case-insensitive one and every lookup is an index seek.
CREATE TABLE users (
	id @ID@,
	citizen_id TEXT NOT NULL UNIQUE CHECK (length(citizen_id) = 13),
	email TEXT NOT NULL UNIQUE,
	username TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	first_name_en TEXT NOT NULL DEFAULT '',
	last_name_en TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	staff_id TEXT NOT NULL DEFAULT '',
	personnel_type TEXT NOT NULL DEFAULT '',
	-- argon2id (libsodium crypto_pwhash_str); '' until the user sets one
	-- through a set-password link (ACC-8), and then nothing matches it.
	password_hash TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	cancelled_at BIGINT,
	cancelled_by BIGINT REFERENCES users (id)
);

-- Roles per organisation unit and module (ACC-2). A grant is never deleted:
-- revoking sets revoked_at, so who held which role when stays known
-- (ACC-10). School roles name the school and its area; area roles the area;
-- super_admin neither.
CREATE TABLE grants (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	role TEXT NOT NULL CHECK (role IN ('area_admin', 'school_admin', 'teacher', 'homeroom', 'director', 'officer',
					   'kpi_owner', 'kpi_reviewer', 'executive', 'super_admin')),
	area_id BIGINT REFERENCES areas (id),
	school_id BIGINT REFERENCES schools (id),
	work_group_id BIGINT REFERENCES work_groups (id),
	module TEXT,
	service TEXT,
	granted_by BIGINT REFERENCES users (id),
	granted_at BIGINT NOT NULL,
	revoked_at BIGINT,
	revoked_by BIGINT REFERENCES users (id)
);
-- A user's roles (every page header of a signed-in user).
CREATE INDEX grants_user ON grants (user_id, id);
-- The admins and staff of a school, and of an area (ACC-5, ACC-6).
CREATE INDEX grants_school ON grants (school_id, role);
CREATE INDEX grants_area ON grants (area_id, role);

-- Sessions live in the database so that any instance answers any request.
-- The cookie holds 32 random bytes; only their SHA-256 is stored, so a copy
-- of the database signs nobody in.
CREATE TABLE sessions (
	id @ID@,
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES users (id),
	grant_id BIGINT REFERENCES grants (id),
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen);

-- Server secrets shared by all instances, made on first use (the ALTCHA
-- HMAC key).
CREATE TABLE secrets (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

-- ALTCHA challenges already solved, kept until they expire, so that one
-- proof of work registers one account only.
CREATE TABLE altcha_used (
	challenge TEXT PRIMARY KEY,
	expires_at BIGINT NOT NULL
);
CREATE INDEX altcha_used_expires ON altcha_used (expires_at);
