-- G-codes (GC-1), owned by src/dmc/gcode.c.
--
-- A school asks its area for a G-code for a learner without civil
-- registration: the learner's data as typed (data, JSON of the learner
-- form's fields, checked as the add page checks them) and the documents
-- the seed asks for (dmc_gcode_docs: the learner's form with photo, a
-- parent's passport or other papers; png, jpg or pdf by content). The
-- area's census officer certifies (approves) or rejects with a reason;
-- the school may withdraw while it is pending. Approval takes the next
-- number of dmc_gcode_seq for the year and province — one row per (BE
-- year, province), raised by an UPDATE in the approving transaction, so
-- two approvals at once wait on that row and never share a number — and
-- adds the learner with the code (gcode, learner_id). The UNIQUE on gcode
-- is the database's word on it as well.
CREATE TABLE dmc_gcode_requests (
	id @ID@,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	grade TEXT NOT NULL,
	data TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
	requested_at BIGINT NOT NULL,
	requested_by BIGINT REFERENCES users (id),
	decided_at BIGINT,
	decided_by BIGINT REFERENCES users (id),
	decision_note TEXT NOT NULL DEFAULT '',
	gcode TEXT UNIQUE,
	learner_id BIGINT REFERENCES dmc_learners (id)
);
-- the area's page: pending oldest first, then the latest decided
CREATE INDEX dmc_gcode_requests_area ON dmc_gcode_requests (area_id, status, requested_at, id);
CREATE INDEX dmc_gcode_requests_decided ON dmc_gcode_requests (area_id, decided_at, id);
-- the school's page: its requests newest first
CREATE INDEX dmc_gcode_requests_school ON dmc_gcode_requests (school_id, requested_at, id);

-- kind: student_form | guardian_doc | other_doc; path under the data folder
CREATE TABLE dmc_gcode_docs (
	request_id BIGINT NOT NULL REFERENCES dmc_gcode_requests (id),
	kind TEXT NOT NULL,
	path TEXT NOT NULL,
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	PRIMARY KEY (request_id, kind)
);

-- The last sequence given for a BE year (2 digits) and province (2 digits).
CREATE TABLE dmc_gcode_seq (
	be_year BIGINT NOT NULL,
	province TEXT NOT NULL,
	last BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (be_year, province)
);
