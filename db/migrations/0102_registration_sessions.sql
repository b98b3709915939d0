-- Registration sessions (issue 10.10, seed 004 ว22/2565): an area may have
-- its schools register their admins together at one meeting, from the one
-- address of its office's network. An area admin opens a session for that
-- client address for a few hours; while it runs, the per-address limit of
-- the registration forms is raised for that address (the bot check and
-- every other limit stay). Stored here so every instance sees it; owned by
-- src/acc/registration_session.c.
CREATE TABLE registration_sessions (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	ip TEXT NOT NULL,
	started_by BIGINT NOT NULL REFERENCES users (id),
	started_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	stopped_at BIGINT,
	stopped_by BIGINT REFERENCES users (id)
);
CREATE INDEX registration_sessions_ip ON registration_sessions (ip, ends_at);
CREATE INDEX registration_sessions_area ON registration_sessions (area_id, ends_at);
