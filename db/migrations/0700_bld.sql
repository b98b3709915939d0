-- School buildings B-OBEC (BLD-1, issue 14), owned by src/bld/.
--
-- A school keeps one row of bld_buildings per building or structure, with
-- its rooms by use in bld_rooms and up to 5 photos in bld_photos (files
-- under DATA/files/bld/). Every add and edit writes a row of bld_history
-- naming what changed, so the history stays when the building changes.
-- Building types, the official standard plans (แบบมาตรฐาน สปช.105/29 …),
-- room uses and budget sources are data, not code: OBEC changes them by
-- notice. A room use says whether it counts as a classroom (the budget
-- request's "classrooms lacking" counts those). The four conditions are
-- the rule's own values (good, fair, damaged, dilapidated = ดี / พอใช้ /
-- ชำรุด / ทรุดโทรม), so they are a CHECK.
--
-- Collection window (seed 002: 1–30 October before 16:30): bld_windows
-- holds a year's own settings (BE year; absent: the default), and
-- bld_area_windows an area's later close for its schools. bld_school_years
-- is a school's state in a year: the number of rooms it teaches as it
-- typed it (rooms_entered, used when the census has none), and its
-- submission (ส่งข้อมูล), which the area may reopen; submitting stores the
-- rooms taught it counted with (rooms_taught, from the census or the
-- school: rooms_source), so the budget list reads one table. Times are UTC seconds; years BE.

CREATE TABLE bld_types (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL,
	needs_rooms BIGINT NOT NULL DEFAULT 0
);
INSERT INTO bld_types (code, label, sort, needs_rooms) VALUES
	('classroom', 'อาคารเรียน', 1, 1),
	('hall', 'อาคารอเนกประสงค์/หอประชุม', 2, 0),
	('housing', 'บ้านพักครู', 3, 0),
	('toilet', 'ส้วม', 4, 0),
	('canteen', 'โรงอาหาร', 5, 0),
	('library', 'อาคารห้องสมุด', 6, 1),
	('workshop', 'อาคารฝึกงาน', 7, 1),
	('other', 'สิ่งก่อสร้างอื่น', 8, 0);

CREATE TABLE bld_plans (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO bld_plans (code, label, sort) VALUES
	('spc105_29', 'สปช.105/29 (อาคารเรียน 1–3 ชั้น)', 1),
	('108l_30', '108ล/30 (อาคารเรียน 4 ชั้น ใต้ถุนโล่ง)', 2),
	('spc101_26', 'สปช.101/26 (ส้วม)', 3),
	('spc102_26', 'สปช.102/26 (อาคารเรียนชั้นเดียว)', 4),
	('spc104_26', 'สปช.104/26 (บ้านพักครู)', 5),
	('106_27', '106/27 (บ้านพักครู)', 6),
	('216l', 'แบบ 216ล (อาคารเรียน 4 ชั้น)', 7),
	('spc202_26', 'สปช.202/26 (อาคารอเนกประสงค์)', 8),
	('spc601_26', 'สปช.601/26 (ส้วม 4 ที่)', 9),
	('324l_41', '324ล/41 (อาคารเรียน 4 ชั้น)', 10),
	('nonstandard', 'ไม่ใช่แบบมาตรฐาน (แบบเฉพาะ/อื่น ๆ)', 99);

CREATE TABLE bld_room_uses (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	is_classroom BIGINT NOT NULL DEFAULT 0,
	sort BIGINT NOT NULL
);
INSERT INTO bld_room_uses (code, label, is_classroom, sort) VALUES
	('classroom', 'ห้องเรียน', 1, 1),
	('science', 'ห้องปฏิบัติการวิทยาศาสตร์', 0, 2),
	('computer', 'ห้องคอมพิวเตอร์', 0, 3),
	('library', 'ห้องสมุด', 0, 4),
	('office', 'ห้องธุรการ/สำนักงาน', 0, 5),
	('teachers', 'ห้องพักครู', 0, 6),
	('music', 'ห้องดนตรี/นาฏศิลป์', 0, 7),
	('nurse', 'ห้องพยาบาล', 0, 8),
	('meeting', 'ห้องประชุม', 0, 9),
	('store', 'ห้องเก็บของ', 0, 10),
	('other', 'อื่น ๆ', 0, 11);

CREATE TABLE bld_budget_sources (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO bld_budget_sources (code, label, sort) VALUES
	('obec', 'งบประมาณ สพฐ.', 1),
	('local', 'องค์กรปกครองส่วนท้องถิ่น', 2),
	('donation', 'เงินบริจาค', 3),
	('school', 'เงินรายได้สถานศึกษา', 4),
	('other', 'อื่น ๆ', 5);

CREATE TABLE bld_buildings (
	id @ID@,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	name TEXT NOT NULL,
	type TEXT NOT NULL REFERENCES bld_types (code),
	plan TEXT REFERENCES bld_plans (code),
	year_built BIGINT NOT NULL CHECK (year_built BETWEEN 2400 AND 2700),
	floors BIGINT NOT NULL CHECK (floors BETWEEN 1 AND 20),
	area_m2 BIGINT NOT NULL CHECK (area_m2 > 0),
	condition TEXT NOT NULL CHECK (condition IN ('good', 'fair', 'damaged', 'dilapidated')),
	budget_source TEXT REFERENCES bld_budget_sources (code),
	lat TEXT,
	lng TEXT,
	version BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id)
);
CREATE INDEX bld_buildings_school ON bld_buildings (school_id, id);
CREATE INDEX bld_buildings_area ON bld_buildings (area_id, condition);

CREATE TABLE bld_rooms (
	building_id BIGINT NOT NULL REFERENCES bld_buildings (id),
	room_use TEXT NOT NULL REFERENCES bld_room_uses (code),
	n BIGINT NOT NULL CHECK (n BETWEEN 1 AND 200),
	PRIMARY KEY (building_id, room_use)
);

CREATE TABLE bld_photos (
	id @ID@,
	building_id BIGINT NOT NULL REFERENCES bld_buildings (id),
	path TEXT NOT NULL,
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	width BIGINT NOT NULL DEFAULT 0,
	height BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	created_by BIGINT REFERENCES users (id)
);
CREATE INDEX bld_photos_building ON bld_photos (building_id, id);

CREATE TABLE bld_history (
	id @ID@,
	building_id BIGINT NOT NULL REFERENCES bld_buildings (id),
	at BIGINT NOT NULL,
	by_user BIGINT REFERENCES users (id),
	kind TEXT NOT NULL,
	changes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bld_history_building ON bld_history (building_id, id);

CREATE TABLE bld_windows (
	year BIGINT PRIMARY KEY,
	opens_at BIGINT NOT NULL,
	closes_at BIGINT NOT NULL CHECK (closes_at > opens_at),
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id)
);

CREATE TABLE bld_area_windows (
	year BIGINT NOT NULL,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	closes_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id),
	PRIMARY KEY (year, area_id)
);

CREATE TABLE bld_school_years (
	year BIGINT NOT NULL,
	school_id BIGINT NOT NULL REFERENCES schools (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	rooms_entered BIGINT CHECK (rooms_entered BETWEEN 0 AND 500),
	rooms_taught BIGINT CHECK (rooms_taught BETWEEN 0 AND 500),
	rooms_source TEXT CHECK (rooms_source IN ('census', 'school')),
	submitted_at BIGINT,
	submitted_by BIGINT REFERENCES users (id),
	reopened_at BIGINT,
	reopened_by BIGINT REFERENCES users (id),
	PRIMARY KEY (year, school_id)
);
CREATE INDEX bld_school_years_area ON bld_school_years (area_id, year);
