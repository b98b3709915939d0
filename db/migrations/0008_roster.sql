-- The annual roster of an area's school admins (ACC-7), owned by
-- src/acc/roster.c. Each academic year (BE) an area has at most one roster
-- (UNIQUE area_id, academic_year): a draft any of its area admins may edit,
-- then submitted once by one representative, after which it is locked —
-- status 'submitted' never goes back to 'draft'.
CREATE TABLE rosters (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	academic_year BIGINT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id),
	submitted_at BIGINT,
	submitted_by BIGINT REFERENCES users (id),
	confirmed_count BIGINT NOT NULL DEFAULT 0,
	cancelled_count BIGINT NOT NULL DEFAULT 0,
	added_count BIGINT NOT NULL DEFAULT 0,
	UNIQUE (area_id, academic_year)
);
-- The public directory shows the area's latest submitted roster.
CREATE INDEX rosters_area_year ON rosters (area_id, status, academic_year);

-- What the representative chose for each school admin grant that was
-- active: stay (confirm) or cancel with a reason. user_id and school_id
-- keep who it was once the grant is revoked.
CREATE TABLE roster_decisions (
	roster_id BIGINT NOT NULL REFERENCES rosters (id),
	grant_id BIGINT NOT NULL REFERENCES grants (id),
	user_id BIGINT NOT NULL REFERENCES users (id),
	school_id BIGINT REFERENCES schools (id),
	decision TEXT NOT NULL CHECK (decision IN ('confirm', 'moved', 'resigned', 'retired')),
	decided_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users (id),
	PRIMARY KEY (roster_id, grant_id)
);

-- New admins asked for in the roster: what was typed while it is a draft;
-- user_id and grant_id are filled when the roster is submitted (the account
-- created, or the person's existing one reused, and granted school_admin).
CREATE TABLE roster_additions (
	id @ID@,
	roster_id BIGINT NOT NULL REFERENCES rosters (id),
	citizen_id TEXT NOT NULL CHECK (length(citizen_id) = 13),
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	email TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	staff_id TEXT NOT NULL DEFAULT '',
	personnel_type TEXT NOT NULL DEFAULT '',
	school_id BIGINT NOT NULL REFERENCES schools (id),
	user_id BIGINT REFERENCES users (id),
	grant_id BIGINT REFERENCES grants (id),
	created_at BIGINT NOT NULL,
	created_by BIGINT REFERENCES users (id),
	UNIQUE (roster_id, citizen_id),
	UNIQUE (roster_id, school_id)
);
