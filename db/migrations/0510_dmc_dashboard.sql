-- The area and national dashboards (DMC-5), owned by src/dmc/dashboard.c.
--
-- What a school certified is also kept as its totals on its round row
-- (certified_male/female, written by the certifying transaction with the
-- snapshot), so the national page sums one row per school and round, not
-- the snapshot's grade rows.
ALTER TABLE dmc_round_schools ADD COLUMN certified_male BIGINT;
ALTER TABLE dmc_round_schools ADD COLUMN certified_female BIGINT;
UPDATE dmc_round_schools SET
	certified_male = (SELECT COALESCE(SUM(c.n), 0) FROM dmc_snapshot_counts c
		WHERE c.round_id = dmc_round_schools.round_id AND c.school_id = dmc_round_schools.school_id AND c.sex = 'M'),
	certified_female = (SELECT COALESCE(SUM(c.n), 0) FROM dmc_snapshot_counts c
		WHERE c.round_id = dmc_round_schools.round_id AND c.school_id = dmc_round_schools.school_id AND c.sex = 'F')
WHERE certified_at IS NOT NULL;
-- the national page: each round's rows by school
CREATE INDEX dmc_round_schools_round ON dmc_round_schools (round_id, school_id, confirmed_at, certified_at,
	certified_male, certified_female);

-- Learners recorded in two places, for the area to resolve (DMC-5):
--   kind 'name':  two active records at different schools with the same
--                 first name, last name and birth date (one child with a
--                 citizen ID here and a G-code there, or a mistyped ID);
--                 learner_a < learner_b; flagged when a record is added,
--                 moved in, renamed or imported (src/dmc/dashboard.c).
--   kind 'round': one record certified in the snapshots of two schools in
--                 the same round (it moved after the first certified), so
--                 it is counted — and paid for — twice; learner_a =
--                 learner_b, school_a/school_b the two snapshots' schools.
-- area_a/area_b: the areas whose officers see it (a moved learner's row
-- follows it). A pair is flagged once (the UNIQUE index); it leaves the
-- list when the area marks it resolved with a note, and a 'name' pair
-- is not shown while either record is not active.
CREATE TABLE dmc_duplicates (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('name', 'round')),
	learner_a BIGINT NOT NULL REFERENCES dmc_learners (id),
	learner_b BIGINT NOT NULL REFERENCES dmc_learners (id),
	round_id BIGINT NOT NULL DEFAULT 0,
	school_a BIGINT NOT NULL REFERENCES schools (id),
	school_b BIGINT NOT NULL REFERENCES schools (id),
	area_a BIGINT NOT NULL REFERENCES areas (id),
	area_b BIGINT NOT NULL REFERENCES areas (id),
	found_at BIGINT NOT NULL,
	resolved_at BIGINT,
	resolved_by BIGINT REFERENCES users (id),
	resolution_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX dmc_duplicates_once ON dmc_duplicates (kind, learner_a, learner_b, round_id, school_a, school_b);
-- an area's open ones: two short ranges (its side a, its side b)
CREATE INDEX dmc_duplicates_area_a ON dmc_duplicates (area_a, found_at, id) WHERE resolved_at IS NULL;
CREATE INDEX dmc_duplicates_area_b ON dmc_duplicates (area_b, found_at, id) WHERE resolved_at IS NULL;
-- a moved learner's rows
CREATE INDEX dmc_duplicates_learner_b ON dmc_duplicates (learner_b);
-- finding a record with the same names and birth date at another school
CREATE INDEX dmc_learners_person ON dmc_learners (first_name, last_name, birth_date) WHERE status = 'active';
-- the same record in another school's snapshot of a round
CREATE INDEX dmc_snapshot_learner ON dmc_snapshot (round_id, learner_id);
