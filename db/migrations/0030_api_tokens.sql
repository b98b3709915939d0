-- API tokens (issue 15.4): personal access tokens and service accounts for
-- scripts calling /api/v1 with `Authorization: Bearer khet_…`. Created by
-- an area admin for his area (area_id) or by a super admin (area_id NULL).
-- Only the SHA-256 of the token is stored (hash): the token is 32 random
-- bytes, shown once, so a copy of the database calls nothing. prefix is
-- its first characters, to tell tokens apart on the page.
--
-- kind 'personal' acts as its owner (user_id) in one of his grants
-- (grant_id; NULL: a user without a role), and only while that grant is
-- active; kind 'service' is a service account: it acts in its own grant,
-- the role, area, school and qualifier stored here (role …), and the user
-- who created it (user_id = created_by) answers for it in the audit trail.
-- Either way scopes ("oss:read oss:write kpi:read") narrow what it may
-- call. A token ends at expires_at (at most a year after it was made) or
-- when revoked; last_used_at / last_used_ip are written at most once a
-- minute, with the audit row 'api.token.use'.
CREATE TABLE api_tokens (
	id @ID@,
	hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('personal', 'service')),
	user_id BIGINT NOT NULL REFERENCES users (id),
	grant_id BIGINT REFERENCES grants (id),
	role TEXT NOT NULL DEFAULT '',
	role_area_id BIGINT REFERENCES areas (id),
	role_school_id BIGINT REFERENCES schools (id),
	role_service TEXT NOT NULL DEFAULT '',
	area_id BIGINT REFERENCES areas (id),
	scopes TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	created_by BIGINT NOT NULL REFERENCES users (id),
	created_at BIGINT NOT NULL,
	last_used_at BIGINT,
	last_used_ip TEXT NOT NULL DEFAULT '',
	revoked_at BIGINT,
	revoked_by BIGINT REFERENCES users (id)
);
-- An area's tokens on its page, newest first (the super admin's: area_id NULL).
CREATE INDEX api_tokens_area ON api_tokens (area_id, id);
