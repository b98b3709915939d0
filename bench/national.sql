-- bench/national.sql: the census at national scale, generated set-based on
-- PostgreSQL for `make bench-national` (bench/national.sh). Run with psql
-- after `khet migrate` and a small `khet demo` (its rounds, its two demo
-- areas), with the variables
--   areas      areas in all (the demo's 2 included; 245 nationally)
--   schools    schools in all (29,000)
--   learners   learners in all, about (7,000,000)
--   rd         schools of the round-day area (300), each given 300–2,000 learners
--   now        the epoch second the data is made at
-- Nothing here goes through the pages' per-row functions (7M learners
-- cannot): rows come from generate_series, and what those functions keep
-- in step as they go is then made the same way from the rows:
-- dmc_counts by GROUP BY of the learners, dmc_area_counts by GROUP BY of
-- dmc_counts (its trigger is held off during the load, then the sums are
-- written once), areas.school_count, the previous round's certification
-- (dmc_round_schools with its totals, dmc_snapshot_counts) and the areas'
-- progress in each round (dmc_round_area_progress, its trigger held off
-- too, then made by GROUP BY of dmc_round_schools). The secondary
-- indexes of dmc_learners are dropped for the load and made again from
-- their own definitions (pg_indexes), which is much faster than keeping
-- 7M rows' Thai-collated entries in order one by one, and the per-row
-- foreign-key triggers are held off (then every referenced row is checked
-- once, set-based). bench/national.sh
-- checks the counters against the rows afterwards.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;

BEGIN;

-- ---- areas: the demo's two, then bench areas up to :areas ------------------
CREATE TEMP TABLE bench_names (k int PRIMARY KEY, boy text, girl text, last text);
INSERT INTO bench_names VALUES
	(0, 'ธนากร', 'ณัฐธิดา', 'ศรีสุข'), (1, 'ณัฐวุฒิ', 'พิมพ์ชนก', 'บุญมา'), (2, 'กิตติพัฒน์', 'กัญญารัตน์', 'แก้วมณี'),
	(3, 'ภูริภัทร', 'ศิริพร', 'ทองดี'), (4, 'วรเมธ', 'อรอุมา', 'พรหมวงศ์'), (5, 'ศุภกร', 'ธิดารัตน์', 'สายบุญ'),
	(6, 'อนุชา', 'ปวีณา', 'จันทร์เพ็ง'), (7, 'ธีรภัทร', 'สุภาวดี', 'ภูมิพันธ์'), (8, 'พีรพล', 'เบญจวรรณ', 'วงศ์ใหญ่'),
	(9, 'ชยพล', 'ชนิดา', 'คำภา'), (10, 'ปิยะพงษ์', 'วราภรณ์', 'ไชยสิทธิ์'), (11, 'สุรเชษฐ์', 'แพรวา', 'อินทร์แก้ว'),
	(12, 'เอกราช', 'ใบเตย', 'โพธิ์ศรี'), (13, 'ไชยา', 'อัญชลี', 'เหล่าสุวรรณ'), (14, 'ก้องภพ', 'ขวัญข้าว', 'ดวงจันทร์'),
	(15, 'ณัฐพล', 'นภัสสร', 'มูลสาร'), (16, 'อภิสิทธิ์', 'กมลชนก', 'สุขประเสริฐ'), (17, 'ภาณุวัฒน์', 'ชุติมา', 'ทองสุข'),
	(18, 'จิรายุ', 'ปริญญา', 'ศรีวงศ์'), (19, 'วีรภัทร', 'มณีรัตน์', 'บุญเรือง'), (20, 'ศักดิ์ชัย', 'รัชนีกร', 'แสงทอง'),
	(21, 'ธนพล', 'สุนิสา', 'ประเสริฐศรี'), (22, 'กฤษดา', 'อารีรัตน์', 'วงศ์สวัสดิ์'), (23, 'ปรเมศวร์', 'จิราพร', 'นาคสุข');

CREATE TEMP TABLE bench_provinces (k int PRIMARY KEY, name text);
INSERT INTO bench_provinces VALUES (0, 'ขอนแก่น'), (1, 'อุดรธานี'), (2, 'นครราชสีมา'), (3, 'เชียงใหม่'), (4, 'สงขลา'),
	(5, 'ชลบุรี'), (6, 'สุรินทร์'), (7, 'ร้อยเอ็ด'), (8, 'บุรีรัมย์'), (9, 'ศรีสะเกษ'), (10, 'นครศรีธรรมราช'), (11, 'เชียงราย');

INSERT INTO areas (code, name, short_name, kind, province)
SELECT 'B' || lpad(a::text, 3, '0'),
       CASE WHEN a % 3 = 0 THEN 'สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา' || p.name || ' ' || a
            ELSE 'สำนักงานเขตพื้นที่การศึกษาประถมศึกษา' || p.name || ' เขต ' || a END,
       CASE WHEN a % 3 = 0 THEN 'สพม.' || p.name || ' ' || a ELSE 'สพป.' || p.name || ' เขต ' || a END,
       CASE WHEN a % 3 = 0 THEN 'secondary' ELSE 'primary' END, p.name
FROM generate_series(1, GREATEST(:areas - (SELECT COUNT(*) FROM areas), 0)) a
JOIN bench_provinces p ON p.k = a % 12;

-- the round-day area: the first bench area
CREATE TEMP TABLE bench_rd AS SELECT id AS area_id FROM areas WHERE code = 'B001';

-- ---- schools: :rd in the round-day area, the rest spread over the others ----
CREATE TEMP TABLE bench_area_no AS
SELECT id AS area_id, row_number() OVER (ORDER BY id) - 1 AS k FROM areas
WHERE code LIKE 'B%' AND id <> (SELECT area_id FROM bench_rd);

INSERT INTO schools (area_id, obec_code, smis_code, name, district, province, search, created_at)
SELECT a.area_id, '19' || lpad(s::text, 8, '0'), '9' || lpad(s::text, 7, '0'),
       'โรงเรียนบ้าน' || n.last || ' ' || s, 'อำเภอ' || n.boy, a.province,
       'โรงเรียน บ้าน ' || n.last || ' ' || s || ' 19' || lpad(s::text, 8, '0') || ' 9' || lpad(s::text, 7, '0'),
       :now
FROM generate_series(1, GREATEST(:schools - (SELECT COUNT(*) FROM schools), 0)) s
JOIN bench_names n ON n.k = s % 24
CROSS JOIN LATERAL (
	SELECT ar.id AS area_id, ar.province FROM areas ar
	WHERE ar.id = CASE WHEN s <= :rd THEN (SELECT area_id FROM bench_rd)
	                   ELSE (SELECT area_id FROM bench_area_no WHERE k = (s - :rd) % (SELECT COUNT(*) FROM bench_area_no)) END
) a;

UPDATE areas SET school_count = (SELECT COUNT(*) FROM schools s WHERE s.area_id = areas.id);

-- ---- how many learners each school gets ------------------------------------
-- round-day schools 300–2,000 (spread by a hash of the id); every other bench
-- school an even share of the rest, from 40 to about twice the mean
CREATE TEMP TABLE bench_plan (school_id bigint PRIMARY KEY, n int, first_seq bigint);
INSERT INTO bench_plan (school_id, n)
SELECT id, 300 + (id * 7919 % 1701) FROM schools WHERE area_id = (SELECT area_id FROM bench_rd);
INSERT INTO bench_plan (school_id, n)
SELECT s.id, GREATEST(40, (m.mean * (0.25 + (s.id * 104729 % 1000) / 666.0))::int)
FROM schools s
CROSS JOIN (SELECT GREATEST((:learners - (SELECT COALESCE(SUM(n), 0) FROM bench_plan))
		/ GREATEST((SELECT COUNT(*) FROM schools WHERE obec_code LIKE '19%'
			AND area_id <> (SELECT area_id FROM bench_rd)), 1), 1) AS mean) m
WHERE s.obec_code LIKE '19%' AND s.area_id <> (SELECT area_id FROM bench_rd);
UPDATE bench_plan p SET first_seq = x.c - p.n
FROM (SELECT school_id, SUM(n) OVER (ORDER BY school_id) AS c FROM bench_plan) x WHERE x.school_id = p.school_id;

-- ---- learners -----------------------------------------------------------------
-- grade by position in the school (k2 … m3, as the demo), sex by a hash,
-- citizen ID '1' + 11 digits of the sequence + its check digit (DMC-1's
-- rule: weights 13 … 2 over the first 12 digits)
CREATE TEMP TABLE bench_grades (k int PRIMARY KEY, code text, age int, w int, h int);
INSERT INTO bench_grades VALUES (0, 'k2', 4, 170, 1030), (1, 'k3', 5, 190, 1100), (2, 'p1', 6, 210, 1170),
	(3, 'p2', 7, 240, 1230), (4, 'p3', 8, 270, 1290), (5, 'p4', 9, 300, 1340), (6, 'p5', 10, 340, 1400),
	(7, 'p6', 11, 380, 1460), (8, 'm1', 12, 420, 1520), (9, 'm2', 13, 460, 1570), (10, 'm3', 14, 500, 1620);

CREATE TEMP TABLE bench_idx AS
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'dmc_learners' AND indexname <> 'dmc_learners_pkey';
DO $$ DECLARE r record; BEGIN
	FOR r IN SELECT indexname FROM bench_idx LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP;
END $$;

-- The rows are made from the very tables their foreign keys name (schools,
-- titles, grades …), so the per-row foreign-key checks (a trigger query
-- each, six a row) are held off for the load (session_replication_role,
-- which also holds off the counters' trigger: the counters are made
-- below); the check after the load proves no row names a missing one.
SET session_replication_role = replica;
INSERT INTO dmc_learners (citizen_id, ident, school_id, status, title, first_name, last_name, sex, birth_date,
	nationality, grade, room, weight_x10, height_x10, disadvantaged, disability, guardian_name, guardian_phone,
	address, search, created_at, updated_at)
SELECT c.cid, c.cid, x.school_id, 'active',
       CASE WHEN x.boy THEN 'boy' ELSE 'girl' END,
       CASE WHEN x.boy THEN nf.boy ELSE nf.girl END, nl.last,
       CASE WHEN x.boy THEN 'M' ELSE 'F' END,
       (2025 - g.age) || '-' || lpad((6 + x.q % 7)::text, 2, '0') || '-' || lpad((1 + x.q % 28)::text, 2, '0'),
       CASE WHEN x.q % 40 = 0 THEN 'LA' ELSE 'TH' END, g.code, 1 + x.q % 2,
       g.w + x.q % 80 - 30, g.h + x.q % 100 - 50,
       CASE WHEN x.q % 5 = 0 THEN 'poor' ELSE 'none' END, CASE WHEN x.q % 50 = 0 THEN 'learning' ELSE 'none' END,
       'นาย' || nf.boy || ' ' || nl.last, '08' || lpad((x.q % 100000000)::text, 8, '0'),
       (1 + x.q % 200) || ' หมู่ ' || (1 + x.q % 12),
       lower(CASE WHEN x.boy THEN nf.boy ELSE nf.girl END || ' ' || nl.last || ' ' || c.cid),
       :now, :now
FROM (SELECT p.school_id, k, p.first_seq + k AS seq, ((p.first_seq + k) * 2654435761) % 4294967291 AS q,
	     ((p.first_seq + k) * 2654435761) % 4294967291 % 2 = 0 AS boy
      FROM bench_plan p, generate_series(1, p.n) k) x
JOIN bench_grades g ON g.k = x.k % 11
JOIN bench_names nf ON nf.k = x.q / 7 % 24
JOIN bench_names nl ON nl.k = x.q / 199 % 24
CROSS JOIN LATERAL (SELECT '1' || lpad(x.seq::text, 11, '0') || ((11 - (13
	+ (x.seq % 10) * 2 + (x.seq / 10 % 10) * 3 + (x.seq / 100 % 10) * 4 + (x.seq / 1000 % 10) * 5
	+ (x.seq / 10000 % 10) * 6 + (x.seq / 100000 % 10) * 7 + (x.seq / 1000000 % 10) * 8
	+ (x.seq / 10000000 % 10) * 9 + (x.seq / 100000000 % 10) * 10 + (x.seq / 1000000000 % 10) * 11
	+ (x.seq / 10000000000 % 10) * 12) % 11) % 10) AS cid) c;

SET session_replication_role = DEFAULT;
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM (SELECT DISTINCT school_id, title, nationality, grade, disadvantaged, disability
			FROM dmc_learners) l
		WHERE NOT EXISTS (SELECT 1 FROM schools s WHERE s.id = l.school_id)
		   OR NOT EXISTS (SELECT 1 FROM dmc_titles t WHERE t.code = l.title)
		   OR NOT EXISTS (SELECT 1 FROM dmc_nationalities n WHERE n.code = l.nationality)
		   OR NOT EXISTS (SELECT 1 FROM dmc_grades g WHERE g.code = l.grade)
		   OR NOT EXISTS (SELECT 1 FROM dmc_disadvantaged d WHERE d.code = l.disadvantaged)
		   OR NOT EXISTS (SELECT 1 FROM dmc_disabilities d WHERE d.code = l.disability)) THEN
		RAISE EXCEPTION 'a generated learner names a school or choice that does not exist';
	END IF;
END $$;

DO $$ DECLARE r record; BEGIN
	FOR r IN SELECT indexdef FROM bench_idx LOOP EXECUTE r.indexdef; END LOOP;
END $$;

-- ---- the counters, from the rows ------------------------------------------------
ALTER TABLE dmc_counts DISABLE TRIGGER dmc_area_counts_keep;
DELETE FROM dmc_counts;
INSERT INTO dmc_counts (school_id, grade, sex, n)
SELECT school_id, grade, sex, COUNT(*) FROM dmc_learners WHERE status = 'active' GROUP BY school_id, grade, sex;
ALTER TABLE dmc_counts ENABLE TRIGGER dmc_area_counts_keep;
DELETE FROM dmc_area_counts;
INSERT INTO dmc_area_counts (area_id, grade, sex, n)
SELECT s.area_id, c.grade, c.sex, SUM(c.n) FROM dmc_counts c JOIN schools s ON s.id = c.school_id
GROUP BY s.area_id, c.grade, c.sex;

-- ---- rounds: the round in progress has its window open now ----------------------
-- The round now (the first whose window has not closed) opens an hour ago
-- and closes in four, so the round day can be run at any time of day; the
-- round before it was certified by every school (dashboards compare).
CREATE TEMP TABLE bench_round AS
SELECT id, academic_year, round_no FROM dmc_rounds WHERE close_at + 60 > :now ORDER BY close_at LIMIT 1;
UPDATE dmc_rounds SET open_at = :now - 3600, close_at = :now + 4 * 3600, entry_from = :now - 30 * 86400
WHERE id = (SELECT id FROM bench_round);
CREATE TEMP TABLE bench_prev AS
SELECT r.id FROM dmc_rounds r, bench_round c
WHERE r.academic_year < c.academic_year OR (r.academic_year = c.academic_year AND r.round_no < c.round_no)
ORDER BY r.academic_year DESC, r.round_no DESC LIMIT 1;

-- the areas' progress rows (dmc_round_area_progress) are made once from the
-- rows below, their per-row trigger held off meanwhile
ALTER TABLE dmc_round_schools DISABLE TRIGGER dmc_round_area_progress_keep;
INSERT INTO dmc_snapshot_counts (round_id, school_id, grade, sex, n)
SELECT (SELECT id FROM bench_prev), school_id, grade, sex, n - (school_id % 3) FROM dmc_counts WHERE n > 3
ON CONFLICT DO NOTHING;
INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at, certified_at, acknowledged_at, certified_male,
	certified_female)
SELECT (SELECT id FROM bench_prev), school_id, :now - 40 * 86400, :now - 40 * 86400 + 600, :now - 39 * 86400,
       SUM(n) FILTER (WHERE sex = 'M'), SUM(n) FILTER (WHERE sex = 'F')
FROM dmc_snapshot_counts WHERE round_id = (SELECT id FROM bench_prev) GROUP BY school_id
ON CONFLICT DO NOTHING;
-- in the round now, half the schools outside the round-day area have confirmed
INSERT INTO dmc_round_schools (round_id, school_id, confirmed_at)
SELECT (SELECT id FROM bench_round), id, :now - 1800 FROM schools
WHERE id % 2 = 0 AND area_id <> (SELECT area_id FROM bench_rd) AND obec_code LIKE '19%'
ON CONFLICT DO NOTHING;
ALTER TABLE dmc_round_schools ENABLE TRIGGER dmc_round_area_progress_keep;
DELETE FROM dmc_round_area_progress;
INSERT INTO dmc_round_area_progress (round_id, area_id, confirmed, certified, acknowledged, certified_male,
	certified_female)
SELECT rs.round_id, s.area_id, COUNT(rs.confirmed_at), COUNT(rs.certified_at), COUNT(rs.acknowledged_at),
       COALESCE(SUM(rs.certified_male) FILTER (WHERE rs.certified_at IS NOT NULL), 0),
       COALESCE(SUM(rs.certified_female) FILTER (WHERE rs.certified_at IS NOT NULL), 0)
FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY rs.round_id, s.area_id;

-- ---- the people of the bench: OBEC's viewer, the round-day area's officer,
-- and a data officer and a director for each round-day school, each with a
-- session made here (token bench<role><n>, 43 characters like a real one;
-- the server keeps only its SHA-256), so no argon2id sign-in is needed for
-- 600 people
CREATE TEMP TABLE bench_people (username text PRIMARY KEY, role text, area_id bigint, school_id bigint, token text);
INSERT INTO bench_people VALUES
	('bench_obec', 'dmc_viewer', NULL, NULL, rpad('benchobec', 43, '0')),
	('bench_area', 'dmc_area', (SELECT area_id FROM bench_rd), NULL, rpad('bencharea', 43, '0'));
INSERT INTO bench_people
SELECT 'bench_' || r.role || '_' || s.id, r.role, s.area_id, s.id,
       rpad('bench' || r.t || s.id || 'x', 43, '0')
FROM schools s CROSS JOIN (VALUES ('dmc_officer', 'o'), ('dmc_certifier', 'c')) r (role, t)
WHERE s.area_id = (SELECT area_id FROM bench_rd);

INSERT INTO users (citizen_id, email, username, title, first_name, last_name, created_at, updated_at)
SELECT '2' || lpad(row_number() OVER (ORDER BY username)::text, 12, '0'), username || '@bench.example.org', username,
       'นาย', 'ผู้ทดสอบ', username, :now, :now
FROM bench_people;
INSERT INTO grants (user_id, role, area_id, school_id, module, granted_at)
SELECT u.id, p.role, p.area_id, p.school_id, 'dmc', :now FROM bench_people p JOIN users u ON u.username = p.username;
INSERT INTO sessions (token_hash, user_id, grant_id, created_at, last_seen, ip)
SELECT encode(sha256(convert_to(p.token, 'UTF8')), 'hex'), u.id, g.id, :now, :now, '127.0.0.1'
FROM bench_people p JOIN users u ON u.username = p.username JOIN grants g ON g.user_id = u.id;

COMMIT;

-- what national.sh reads back: id=value lines
\pset tuples_only on
\pset format unaligned
SELECT 'round=' || (SELECT id FROM bench_round);
SELECT 'prev_round=' || (SELECT id FROM bench_prev);
SELECT 'rd_area=' || (SELECT area_id FROM bench_rd);
SELECT 'areas=' || (SELECT COUNT(*) FROM areas);
SELECT 'schools=' || (SELECT COUNT(*) FROM schools);
SELECT 'learners=' || (SELECT COUNT(*) FROM dmc_learners);
SELECT 'rd_learners=' || (SELECT SUM(n) FROM bench_plan p JOIN schools s ON s.id = p.school_id
	WHERE s.area_id = (SELECT area_id FROM bench_rd));
