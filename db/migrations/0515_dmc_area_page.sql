-- The area dashboard's page of schools (DMC-5, src/dmc/dashboard.c
-- dmc_area_page): the area's schools are walked in Thai name order on
-- schools_area_name, and each school's rows of the round and the last one
-- are probed here to filter by status (not confirmed / confirmed /
-- certified) and to show when it confirmed, certified and was
-- acknowledged and what it certified. With acknowledged_at in it too the
-- probe never reads the table (0510's index lacked it), on both engines
-- (PostgreSQL: an index-only scan where the pages are all-visible).
DROP INDEX dmc_round_schools_round;
CREATE INDEX dmc_round_schools_round ON dmc_round_schools (round_id, school_id, confirmed_at, certified_at,
	acknowledged_at, certified_male, certified_female);
