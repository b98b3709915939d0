-- Year-end promotion (DMC-3), owned by src/dmc/promotion.c.
--
-- After the year-end round (round 3) of an academic year, a school's data
-- officer promotes the school: every active learner goes to the next grade
-- of dmc_grades, the last grade of a level (final) graduates (status
-- 'graduated', จบการศึกษา), and a learner marked repeating (ซ้ำชั้น,
-- dmc_learners.repeating) stays. dmc_promotions is that act, once per
-- school and round while it stands (the partial UNIQUE index, so two
-- clicks cannot both promote); dmc_promotion_rows is what it did to each
-- learner, so it can be undone — until the next round's entry opens —
-- exactly for the learners still where it left them.
CREATE TABLE dmc_promotions (
	id @ID@,
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	at BIGINT NOT NULL,
	by_user BIGINT REFERENCES users (id),
	promoted BIGINT NOT NULL DEFAULT 0,
	graduated BIGINT NOT NULL DEFAULT 0,
	repeated BIGINT NOT NULL DEFAULT 0,
	undone_at BIGINT,
	undone_by BIGINT REFERENCES users (id),
	restored BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dmc_promotions_once ON dmc_promotions (round_id, school_id) WHERE undone_at IS NULL;
CREATE INDEX dmc_promotions_school ON dmc_promotions (school_id, at, id);

CREATE TABLE dmc_promotion_rows (
	promotion_id BIGINT NOT NULL REFERENCES dmc_promotions (id),
	learner_id BIGINT NOT NULL REFERENCES dmc_learners (id),
	from_grade TEXT NOT NULL,
	to_grade TEXT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('promote', 'graduate', 'stay')),
	PRIMARY KEY (promotion_id, learner_id)
);

-- The page of who repeats a grade: a school's marked learners.
CREATE INDEX dmc_learners_repeating ON dmc_learners (school_id, grade) WHERE status = 'active' AND repeating = 1;
