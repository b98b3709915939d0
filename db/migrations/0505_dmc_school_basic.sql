-- A school's basic data for a census round (DMC-2, the seed's menu 2.2),
-- owned by src/dmc/basic.c: the grades it teaches and the rooms of each.
-- dmc_school_basic is the record the data officer edits (version decides
-- two saves at once, issue 10.6); dmc_school_grades its rows, one per grade
-- taught. Certifying the round freezes them (a school that never saved
-- gets the rooms its learners are in); after that they are not changed.
CREATE TABLE dmc_school_basic (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	version BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id),
	PRIMARY KEY (round_id, school_id)
);
CREATE TABLE dmc_school_grades (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	grade TEXT NOT NULL REFERENCES dmc_grades (code),
	rooms BIGINT NOT NULL CHECK (rooms BETWEEN 1 AND 99),
	PRIMARY KEY (round_id, school_id, grade)
);
