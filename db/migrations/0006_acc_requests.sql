-- Access requests (ACC-4) and school-admin registrations (ACC-5), owned by
-- src/acc/access_request.c and src/acc/school_admin_reg.c.
--
-- A request or registration is kept for good once decided: who asked for
-- what, with which signed form, and who decided when, stay known next to the
-- audit trail. "One open request for the same thing" and "one pending
-- registration per school" are UNIQUE columns that hold a value only while
-- the row is pending (NULL afterwards, and NULLs never collide), so two
-- racing submissions cannot both be stored, on either engine.
CREATE TABLE access_requests (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	-- a key of acc_permissions: 'teacher', 'officer:11', 'kpi_owner' …
	permission TEXT NOT NULL,
	role TEXT NOT NULL,
	service TEXT NOT NULL DEFAULT '',
	area_id BIGINT NOT NULL REFERENCES areas (id),
	school_id BIGINT REFERENCES schools (id),
	work_group_id BIGINT REFERENCES work_groups (id),
	position TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	-- the form signed by the director, under the data folder
	file_path TEXT NOT NULL,
	file_name TEXT NOT NULL,
	file_mime TEXT NOT NULL,
	file_size BIGINT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	-- user:permission:area:school:work group while pending, else NULL
	open_key TEXT UNIQUE,
	created_at BIGINT NOT NULL,
	decided_at BIGINT,
	decided_by BIGINT REFERENCES users (id),
	decision_note TEXT NOT NULL DEFAULT '',
	-- the permission keys granted on approval, comma-separated
	granted TEXT NOT NULL DEFAULT ''
);
-- The area admin's queue (pending first, by status) and a user's own list.
CREATE INDEX access_requests_queue ON access_requests (area_id, status, id);
CREATE INDEX access_requests_user ON access_requests (user_id, id);

CREATE TABLE school_admin_regs (
	id @ID@,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	-- who registers: the director himself, or his deputy or a teacher
	-- delegated in writing (the letter is then the file)
	registrant TEXT NOT NULL CHECK (registrant IN ('director', 'deputy', 'teacher')),
	delegated_by TEXT NOT NULL DEFAULT '',
	citizen_id TEXT NOT NULL CHECK (length(citizen_id) = 13),
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	position TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL,
	file_path TEXT NOT NULL DEFAULT '',
	file_name TEXT NOT NULL DEFAULT '',
	file_mime TEXT NOT NULL DEFAULT '',
	file_size BIGINT NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
	-- school_id while pending, else NULL: one pending registration a school
	open_school BIGINT UNIQUE,
	user_id BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	decided_at BIGINT,
	decided_by BIGINT REFERENCES users (id),
	decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX school_admin_regs_queue ON school_admin_regs (area_id, status, id);
