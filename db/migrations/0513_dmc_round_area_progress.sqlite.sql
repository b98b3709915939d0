-- Each area's progress in each round (DMC-5, the national dashboard), on
-- SQLite (keep in step with 0513_dmc_round_area_progress.pg.sql): how many
-- of its schools confirmed, certified and were acknowledged, and what the
-- certified ones certified (learners by sex). Kept from dmc_round_schools
-- by triggers in the transaction of every change of a school's round row
-- (src/dmc/round.c confirm/certify/acknowledge, the demo, the bench's
-- national.sql), whoever writes it, so the national page reads one row per
-- area and round (245) instead of summing every school's round row
-- (29,000 a round) on each view. A school moved to another area takes its
-- rows along. certified_male/female count only rows with certified_at.
CREATE TABLE dmc_round_area_progress (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	confirmed BIGINT NOT NULL DEFAULT 0,
	certified BIGINT NOT NULL DEFAULT 0,
	acknowledged BIGINT NOT NULL DEFAULT 0,
	certified_male BIGINT NOT NULL DEFAULT 0,
	certified_female BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (round_id, area_id)
);
INSERT INTO dmc_round_area_progress (round_id, area_id, confirmed, certified, acknowledged, certified_male,
	certified_female)
SELECT rs.round_id, s.area_id, COUNT(rs.confirmed_at), COUNT(rs.certified_at), COUNT(rs.acknowledged_at),
	SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_male, 0) ELSE 0 END),
	SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_female, 0) ELSE 0 END)
FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY rs.round_id, s.area_id;

CREATE TRIGGER dmc_round_area_progress_insert AFTER INSERT ON dmc_round_schools
BEGIN
	INSERT INTO dmc_round_area_progress (round_id, area_id, confirmed, certified, acknowledged, certified_male,
		certified_female)
	SELECT NEW.round_id, area_id, NEW.confirmed_at IS NOT NULL, NEW.certified_at IS NOT NULL,
		NEW.acknowledged_at IS NOT NULL,
		CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_male, 0) ELSE 0 END,
		CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_female, 0) ELSE 0 END
	FROM schools WHERE id = NEW.school_id
	ON CONFLICT (round_id, area_id) DO UPDATE SET confirmed = confirmed + excluded.confirmed,
		certified = certified + excluded.certified, acknowledged = acknowledged + excluded.acknowledged,
		certified_male = certified_male + excluded.certified_male,
		certified_female = certified_female + excluded.certified_female;
END;
CREATE TRIGGER dmc_round_area_progress_update AFTER UPDATE ON dmc_round_schools
BEGIN
	UPDATE dmc_round_area_progress SET confirmed = confirmed - (OLD.confirmed_at IS NOT NULL),
		certified = certified - (OLD.certified_at IS NOT NULL),
		acknowledged = acknowledged - (OLD.acknowledged_at IS NOT NULL),
		certified_male = certified_male
			- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_male, 0) ELSE 0 END,
		certified_female = certified_female
			- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_female, 0) ELSE 0 END
	WHERE round_id = OLD.round_id AND area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id);
	INSERT INTO dmc_round_area_progress (round_id, area_id, confirmed, certified, acknowledged, certified_male,
		certified_female)
	SELECT NEW.round_id, area_id, NEW.confirmed_at IS NOT NULL, NEW.certified_at IS NOT NULL,
		NEW.acknowledged_at IS NOT NULL,
		CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_male, 0) ELSE 0 END,
		CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_female, 0) ELSE 0 END
	FROM schools WHERE id = NEW.school_id
	ON CONFLICT (round_id, area_id) DO UPDATE SET confirmed = confirmed + excluded.confirmed,
		certified = certified + excluded.certified, acknowledged = acknowledged + excluded.acknowledged,
		certified_male = certified_male + excluded.certified_male,
		certified_female = certified_female + excluded.certified_female;
END;
CREATE TRIGGER dmc_round_area_progress_delete AFTER DELETE ON dmc_round_schools
BEGIN
	UPDATE dmc_round_area_progress SET confirmed = confirmed - (OLD.confirmed_at IS NOT NULL),
		certified = certified - (OLD.certified_at IS NOT NULL),
		acknowledged = acknowledged - (OLD.acknowledged_at IS NOT NULL),
		certified_male = certified_male
			- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_male, 0) ELSE 0 END,
		certified_female = certified_female
			- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_female, 0) ELSE 0 END
	WHERE round_id = OLD.round_id AND area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id);
END;
CREATE TRIGGER dmc_round_area_progress_school AFTER UPDATE OF area_id ON schools
WHEN OLD.area_id IS NOT NEW.area_id
BEGIN
	UPDATE dmc_round_area_progress SET
		confirmed = confirmed - (SELECT COUNT(rs.confirmed_at) FROM dmc_round_schools rs
			WHERE rs.round_id = dmc_round_area_progress.round_id AND rs.school_id = NEW.id),
		certified = certified - (SELECT COUNT(rs.certified_at) FROM dmc_round_schools rs
			WHERE rs.round_id = dmc_round_area_progress.round_id AND rs.school_id = NEW.id),
		acknowledged = acknowledged - (SELECT COUNT(rs.acknowledged_at) FROM dmc_round_schools rs
			WHERE rs.round_id = dmc_round_area_progress.round_id AND rs.school_id = NEW.id),
		certified_male = certified_male - (SELECT COALESCE(SUM(rs.certified_male), 0) FROM dmc_round_schools rs
			WHERE rs.round_id = dmc_round_area_progress.round_id AND rs.school_id = NEW.id
			AND rs.certified_at IS NOT NULL),
		certified_female = certified_female - (SELECT COALESCE(SUM(rs.certified_female), 0) FROM dmc_round_schools rs
			WHERE rs.round_id = dmc_round_area_progress.round_id AND rs.school_id = NEW.id
			AND rs.certified_at IS NOT NULL)
	WHERE area_id = OLD.area_id;
	INSERT INTO dmc_round_area_progress (round_id, area_id, confirmed, certified, acknowledged, certified_male,
		certified_female)
	SELECT round_id, NEW.area_id, confirmed_at IS NOT NULL, certified_at IS NOT NULL, acknowledged_at IS NOT NULL,
		CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_male, 0) ELSE 0 END,
		CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_female, 0) ELSE 0 END
	FROM dmc_round_schools WHERE school_id = NEW.id
	ON CONFLICT (round_id, area_id) DO UPDATE SET confirmed = confirmed + excluded.confirmed,
		certified = certified + excluded.certified, acknowledged = acknowledged + excluded.acknowledged,
		certified_male = certified_male + excluded.certified_male,
		certified_female = certified_female + excluded.certified_female;
END;
