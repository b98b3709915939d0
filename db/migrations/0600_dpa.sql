-- Personnel registry DPA (DPA-1 … DPA-3), owned by src/dpa/.
--
-- A person is one row of dpa_staff for life (DPA-1): citizen_id is UNIQUE
-- over the whole system, whatever the status, so two schools racing to add
-- the same teacher cannot both win, and a person who left and comes back
-- gets the same record again. The record is at one school (school_id) or,
-- with school_id NULL, at the area office area_id; a transfer changes
-- school_id and area_id, never copies the row. A removed person
-- (จำหน่าย, DPA-3) keeps the row with status 'removed', reason and date,
-- and the history in dpa_staff_events.
--
-- Types, positions, academic standings and removal reasons are data, not
-- code: OBEC changes them by notice. A type says whether its people hold
-- a position number (ครูอัตราจ้าง does not), which the completeness check
-- reads. missing is the number of fields the record still lacks, and
-- retire_fy the fiscal year (CE) it retires in (NULL without a birth
-- date): both are computed by src/dpa/rules.c on every write, so a
-- school's "recorded N / incomplete M" and its retirement list are index
-- reads. Money in satang; dates 'YYYY-MM-DD' (CE); times UTC seconds.

CREATE TABLE dpa_types (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	needs_position_no BIGINT NOT NULL DEFAULT 1,
	sort BIGINT NOT NULL
);
INSERT INTO dpa_types (code, label, needs_position_no, sort) VALUES
	('teacher', 'ข้าราชการครู', 1, 1),
	('executive', 'ผู้บริหารสถานศึกษา', 1, 2),
	('support', 'บุคลากรทางการศึกษา 38 ค.(2)', 1, 3),
	('permanent', 'ลูกจ้างประจำ', 1, 4),
	('govemp', 'พนักงานราชการ', 1, 5),
	('contract', 'ครูอัตราจ้าง', 0, 6);

CREATE TABLE dpa_positions (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dpa_positions (code, label, sort) VALUES
	('director', 'ผู้อำนวยการสถานศึกษา', 1),
	('deputy', 'รองผู้อำนวยการสถานศึกษา', 2),
	('teacher', 'ครู', 3),
	('assistant', 'ครูผู้ช่วย', 4),
	('supervisor', 'ศึกษานิเทศก์', 5),
	('officer', 'เจ้าหน้าที่บริหารงานทั่วไป', 6),
	('finance', 'เจ้าพนักงานการเงินและบัญชี', 7),
	('clerk', 'พนักงานธุรการ', 8),
	('janitor', 'นักการภารโรง', 9),
	('hired_teacher', 'ครูอัตราจ้าง', 10);

CREATE TABLE dpa_standings (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dpa_standings (code, label, sort) VALUES
	('none', 'ไม่มีวิทยฐานะ', 1),
	('professional', 'ชำนาญการ', 2),
	('senior', 'ชำนาญการพิเศษ', 3),
	('expert', 'เชี่ยวชาญ', 4),
	('senior_expert', 'เชี่ยวชาญพิเศษ', 5);

CREATE TABLE dpa_remove_reasons (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dpa_remove_reasons (code, label, sort) VALUES
	('moved', 'ย้าย', 1), ('retired', 'เกษียณ', 2), ('resigned', 'ลาออก', 3), ('died', 'เสียชีวิต', 4),
	('dismissed', 'ให้ออก', 5);

CREATE TABLE dpa_staff (
	id @ID@,
	citizen_id TEXT NOT NULL UNIQUE,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	school_id BIGINT REFERENCES schools (id),
	status TEXT NOT NULL CHECK (status IN ('active', 'removed')),
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	birth_date TEXT,
	type TEXT REFERENCES dpa_types (code),
	position TEXT REFERENCES dpa_positions (code),
	position_no TEXT NOT NULL DEFAULT '',
	standing TEXT REFERENCES dpa_standings (code),
	salary BIGINT CHECK (salary IS NULL OR salary BETWEEN 0 AND 20000000),
	appointed_on TEXT,
	arrived_on TEXT,
	education TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	missing BIGINT NOT NULL DEFAULT 0,
	retire_fy BIGINT,
	removed_reason TEXT REFERENCES dpa_remove_reasons (code),
	removed_on TEXT,
	search TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- A school's list in Thai name order, search riding in the index.
CREATE INDEX dpa_staff_school ON dpa_staff
	(school_id, status, first_name COLLATE thai, last_name COLLATE thai, id, search);
-- "recorded N / incomplete M" per school and per area, and completeness by school.
CREATE INDEX dpa_staff_area ON dpa_staff (area_id, status, school_id, missing);
-- Retiring this fiscal year.
CREATE INDEX dpa_staff_retire ON dpa_staff (school_id, status, retire_fy);

-- What happened to a record: kind add | edit | transfer | remove | readd
-- | import; from/to the schools concerned; detail JSON.
CREATE TABLE dpa_staff_events (
	id @ID@,
	staff_id BIGINT NOT NULL REFERENCES dpa_staff (id),
	at BIGINT NOT NULL,
	by_user BIGINT REFERENCES users (id),
	kind TEXT NOT NULL,
	from_school_id BIGINT REFERENCES schools (id),
	to_school_id BIGINT REFERENCES schools (id),
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX dpa_staff_events_staff ON dpa_staff_events (staff_id, at, id);

-- DPA-2: a school asks for a person recorded at another school. The
-- school the person is at (its admin) or that school's area decides; the
-- partial UNIQUE index lets one request per person be pending at a time.
CREATE TABLE dpa_transfers (
	id @ID@,
	staff_id BIGINT NOT NULL REFERENCES dpa_staff (id),
	from_area_id BIGINT NOT NULL REFERENCES areas (id),
	from_school_id BIGINT REFERENCES schools (id),
	to_area_id BIGINT NOT NULL REFERENCES areas (id),
	to_school_id BIGINT NOT NULL REFERENCES schools (id),
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'withdrawn')),
	note TEXT NOT NULL DEFAULT '',
	requested_by BIGINT REFERENCES users (id),
	requested_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users (id),
	decided_at BIGINT,
	decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX dpa_transfers_one_pending ON dpa_transfers (staff_id) WHERE status = 'pending';
CREATE INDEX dpa_transfers_from ON dpa_transfers (from_school_id, status, requested_at);
CREATE INDEX dpa_transfers_to ON dpa_transfers (to_school_id, requested_at);
CREATE INDEX dpa_transfers_area ON dpa_transfers (from_area_id, status, requested_at);
