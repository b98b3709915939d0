-- Student census DMC (DMC-1 … DMC-3), owned by src/dmc/.
--
-- A learner is one row of dmc_learners for life (DMC-1): moving to another
-- school changes its school_id, it is never copied. ident is the code that
-- names the learner — the citizen ID, or the G-code when there is none — and
-- the partial UNIQUE index below lets one ident be active in one school
-- only, so two writers racing to add or move the same child cannot both
-- win, whatever the page checked before. What happened to a record is in
-- dmc_learner_events. Counts per school, grade and sex are kept in
-- dmc_counts in the same transaction as every change (src/dmc/learner.c),
-- so a school's page never counts rows. Choice lists (titles, grades,
-- disadvantaged statuses, disability types, nationalities) are data here,
-- not code: OBEC changes them by notice. Weights and heights are stored in
-- tenths (35.5 kg → 355); dates are 'YYYY-MM-DD' (CE); times UTC seconds.

CREATE TABLE dmc_titles (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
	sort BIGINT NOT NULL
);
INSERT INTO dmc_titles (code, label, sex, sort) VALUES
	('boy', 'ด.ช.', 'M', 1), ('girl', 'ด.ญ.', 'F', 2), ('mr', 'นาย', 'M', 3), ('miss', 'นางสาว', 'F', 4);

-- Grades in teaching order. next_grade is the grade a learner is promoted to
-- after the year-end round; final marks the last grade of a level (ป.6,
-- ม.3, ม.6: promotion graduates instead). max_age: a learner older than
-- this (in whole years on the day of entry) is refused in this grade with a
-- message, as a wrong birth date more likely than a real case.
CREATE TABLE dmc_grades (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('kinder', 'primary', 'lower', 'upper')),
	sort BIGINT NOT NULL,
	next_grade TEXT,
	final BIGINT NOT NULL DEFAULT 0,
	max_age BIGINT
);
INSERT INTO dmc_grades (code, label, level, sort, next_grade, final, max_age) VALUES
	('k1', 'อ.1', 'kinder', 1, 'k2', 0, NULL), ('k2', 'อ.2', 'kinder', 2, 'k3', 0, NULL),
	('k3', 'อ.3', 'kinder', 3, 'p1', 0, NULL),
	('p1', 'ป.1', 'primary', 4, 'p2', 0, 15), ('p2', 'ป.2', 'primary', 5, 'p3', 0, NULL),
	('p3', 'ป.3', 'primary', 6, 'p4', 0, NULL), ('p4', 'ป.4', 'primary', 7, 'p5', 0, NULL),
	('p5', 'ป.5', 'primary', 8, 'p6', 0, NULL), ('p6', 'ป.6', 'primary', 9, NULL, 1, NULL),
	('m1', 'ม.1', 'lower', 10, 'm2', 0, NULL), ('m2', 'ม.2', 'lower', 11, 'm3', 0, NULL),
	('m3', 'ม.3', 'lower', 12, NULL, 1, NULL),
	('m4', 'ม.4', 'upper', 13, 'm5', 0, NULL), ('m5', 'ม.5', 'upper', 14, 'm6', 0, NULL),
	('m6', 'ม.6', 'upper', 15, NULL, 1, NULL);

CREATE TABLE dmc_disadvantaged (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dmc_disadvantaged (code, label, sort) VALUES
	('none', 'ไม่ด้อยโอกาส', 1), ('poor', 'เด็กยากจน', 2), ('orphan', 'เด็กกำพร้า', 3),
	('abandoned', 'เด็กถูกทอดทิ้ง', 4), ('minority', 'เด็กชนกลุ่มน้อย', 5),
	('labour', 'เด็กที่ถูกบังคับให้ขายแรงงาน', 6), ('street', 'เด็กเร่ร่อน', 7),
	('abused', 'เด็กที่ถูกทำร้ายทารุณ', 8), ('hiv', 'เด็กที่ได้รับผลกระทบจากเอดส์', 9),
	('drugs', 'เด็กที่เกี่ยวข้องกับยาเสพติด', 10), ('other', 'อื่น ๆ', 11);

CREATE TABLE dmc_disabilities (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dmc_disabilities (code, label, sort) VALUES
	('none', 'ไม่พิการ', 1), ('visual', 'บกพร่องทางการเห็น', 2), ('hearing', 'บกพร่องทางการได้ยิน', 3),
	('intellectual', 'บกพร่องทางสติปัญญา', 4), ('physical', 'บกพร่องทางร่างกายหรือสุขภาพ', 5),
	('learning', 'บกพร่องทางการเรียนรู้', 6), ('speech', 'บกพร่องทางการพูดและภาษา', 7),
	('behaviour', 'บกพร่องทางพฤติกรรมหรืออารมณ์', 8), ('autism', 'ออทิสติก', 9), ('multiple', 'พิการซ้อน', 10);

CREATE TABLE dmc_nationalities (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dmc_nationalities (code, label, sort) VALUES
	('TH', 'ไทย', 1), ('MM', 'เมียนมา', 2), ('LA', 'ลาว', 3), ('KH', 'กัมพูชา', 4), ('VN', 'เวียดนาม', 5),
	('CN', 'จีน', 6), ('XX', 'ไม่ปรากฏสัญชาติ', 7), ('ZZ', 'อื่น ๆ', 8);

CREATE TABLE dmc_learners (
	id @ID@,
	-- exactly one of citizen_id (13 digits) and gcode ('G' + 12 digits);
	-- ident is whichever is set
	citizen_id TEXT,
	gcode TEXT,
	ident TEXT NOT NULL,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	status TEXT NOT NULL CHECK (status IN ('active', 'moved_out', 'graduated', 'removed')),
	-- where a learner who moved out went (the destination typed)
	moved_to TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL REFERENCES dmc_titles (code),
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
	birth_date TEXT NOT NULL,
	nationality TEXT NOT NULL REFERENCES dmc_nationalities (code),
	grade TEXT NOT NULL REFERENCES dmc_grades (code),
	room BIGINT NOT NULL DEFAULT 1 CHECK (room BETWEEN 1 AND 99),
	weight_x10 BIGINT CHECK (weight_x10 IS NULL OR weight_x10 BETWEEN 1 AND 2000),
	height_x10 BIGINT CHECK (height_x10 IS NULL OR height_x10 BETWEEN 400 AND 2500),
	disadvantaged TEXT NOT NULL DEFAULT 'none' REFERENCES dmc_disadvantaged (code),
	disability TEXT NOT NULL DEFAULT 'none' REFERENCES dmc_disabilities (code),
	guardian_name TEXT NOT NULL DEFAULT '',
	guardian_phone TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	-- kept in its grade by the year-end promotion
	repeating BIGINT NOT NULL DEFAULT 0,
	-- thai_search_terms of the names, then the ident
	search TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK ((citizen_id IS NOT NULL AND gcode IS NULL AND ident = citizen_id)
	       OR (citizen_id IS NULL AND gcode IS NOT NULL AND ident = gcode))
);
-- DMC-1: one learner active in at most one school, by the database.
CREATE UNIQUE INDEX dmc_learners_one_active ON dmc_learners (ident) WHERE status = 'active';
-- Finding a record by its code in any status (move in, add).
CREATE INDEX dmc_learners_ident ON dmc_learners (ident, id);
-- A school's list in Thai name order, paged in index order; search rides
-- in the index so a search of one school's few thousand entries never
-- visits the table (as schools_area_name does).
CREATE INDEX dmc_learners_school ON dmc_learners
	(school_id, status, first_name COLLATE thai, last_name COLLATE thai, id, search);
CREATE INDEX dmc_learners_grade ON dmc_learners
	(school_id, status, grade, first_name COLLATE thai, last_name COLLATE thai, id, search);

-- What happened to a record: kind add | move_in | move_out | grade | name
-- | body | edit | promote | graduate; from/to the schools concerned;
-- destination the place typed for a move out; detail JSON of old/new.
CREATE TABLE dmc_learner_events (
	id @ID@,
	learner_id BIGINT NOT NULL REFERENCES dmc_learners (id),
	at BIGINT NOT NULL,
	by_user BIGINT REFERENCES users (id),
	kind TEXT NOT NULL,
	from_school_id BIGINT REFERENCES schools (id),
	to_school_id BIGINT REFERENCES schools (id),
	destination TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX dmc_learner_events_learner ON dmc_learner_events (learner_id, at, id);
-- "who left us, and to where" of a school
CREATE INDEX dmc_learner_events_from ON dmc_learner_events (from_school_id, at, id);

-- Active learners per school, grade and sex (DMC-2 menu 2.8), kept by
-- src/dmc/learner.c in the transaction of each change.
CREATE TABLE dmc_counts (
	school_id BIGINT NOT NULL REFERENCES schools (id),
	grade TEXT NOT NULL REFERENCES dmc_grades (code),
	sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
	n BIGINT NOT NULL DEFAULT 0 CHECK (n >= 0),
	PRIMARY KEY (school_id, grade, sex)
);

-- DMC-3: how the three rounds of an academic year are laid out; rounds of
-- a year are made from these rows the first time that year is needed, and
-- each round's own row may then be changed (OBEC often extends a window).
-- day: month/day of the round, year_offset 0 = the academic year's first
-- calendar year (CE), 1 = the next; entry_* the same for the first day of
-- entry; open/close 'HH:MM' Bangkok on the round day.
CREATE TABLE dmc_round_defaults (
	round_no BIGINT PRIMARY KEY CHECK (round_no BETWEEN 1 AND 3),
	label TEXT NOT NULL,
	month BIGINT NOT NULL,
	day BIGINT NOT NULL,
	year_offset BIGINT NOT NULL,
	entry_month BIGINT NOT NULL,
	entry_day BIGINT NOT NULL,
	entry_year_offset BIGINT NOT NULL,
	open_time TEXT NOT NULL,
	close_time TEXT NOT NULL
);
INSERT INTO dmc_round_defaults VALUES
	(1, 'รอบที่ 1 ณ 10 มิถุนายน (ภาคเรียนที่ 1)', 6, 10, 0, 5, 16, 0, '08:30', '16:30'),
	(2, 'รอบที่ 2 ณ 10 พฤศจิกายน (ภาคเรียนที่ 2)', 11, 10, 0, 10, 11, 0, '08:30', '16:30'),
	(3, 'รอบที่ 3 ณ 30 เมษายน (สิ้นปีการศึกษา)', 4, 30, 1, 3, 1, 1, '08:30', '16:30');

-- One round of one academic year (BE): the settings row of its dates.
-- open_at/close_at: UTC seconds of the confirm window's first second and
-- of its closing minute (the minute close_at starts is still inside, see
-- dmc_window_state); entry_from: first day of entry (UTC seconds).
CREATE TABLE dmc_rounds (
	id @ID@,
	academic_year BIGINT NOT NULL,
	round_no BIGINT NOT NULL CHECK (round_no BETWEEN 1 AND 3),
	label TEXT NOT NULL,
	round_day TEXT NOT NULL,
	entry_from BIGINT NOT NULL,
	open_at BIGINT NOT NULL,
	close_at BIGINT NOT NULL,
	promoted_at BIGINT,
	UNIQUE (academic_year, round_no)
);
CREATE INDEX dmc_rounds_close ON dmc_rounds (close_at);

-- A school's progress in a round: confirmed by its data officer, certified
-- by its director (which freezes dmc_snapshot), acknowledged by the area.
CREATE TABLE dmc_round_schools (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	confirmed_at BIGINT,
	confirmed_by BIGINT REFERENCES users (id),
	certified_at BIGINT,
	certified_by BIGINT REFERENCES users (id),
	acknowledged_at BIGINT,
	acknowledged_by BIGINT REFERENCES users (id),
	PRIMARY KEY (round_id, school_id)
);

-- The certified copy (DMC-3): one row per learner active at certification,
-- written once, never updated; later edits to dmc_learners do not reach it.
CREATE TABLE dmc_snapshot (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	learner_id BIGINT NOT NULL REFERENCES dmc_learners (id),
	ident TEXT NOT NULL,
	title TEXT NOT NULL,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	sex TEXT NOT NULL,
	birth_date TEXT NOT NULL,
	nationality TEXT NOT NULL,
	grade TEXT NOT NULL,
	room BIGINT NOT NULL,
	weight_x10 BIGINT,
	height_x10 BIGINT,
	disadvantaged TEXT NOT NULL,
	disability TEXT NOT NULL,
	PRIMARY KEY (round_id, school_id, learner_id)
);
CREATE TABLE dmc_snapshot_counts (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	grade TEXT NOT NULL,
	sex TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (round_id, school_id, grade, sex)
);
