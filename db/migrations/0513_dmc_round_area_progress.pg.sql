-- Each area's progress in each round (DMC-5, the national dashboard), on
-- PostgreSQL (keep in step with 0513_dmc_round_area_progress.sqlite.sql):
-- how many of its schools confirmed, certified and were acknowledged, and
-- what the certified ones certified (learners by sex). Kept from
-- dmc_round_schools by triggers in the transaction of every change of a
-- school's round row (src/dmc/round.c confirm/certify/acknowledge, the
-- demo, the bench's national.sql), whoever writes it, so the national page
-- reads one row per area and round (245) instead of summing every school's
-- round row (29,000 a round) on each view. A school moved to another area
-- takes its rows along. certified_male/female count only rows with
-- certified_at. The row is the area's: a school's certification changes it
-- as the last write of its transaction (round.c), so the schools of one
-- area certifying at once wait on it only for their commits.
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
	COALESCE(SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_male, 0) ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN rs.certified_at IS NOT NULL THEN COALESCE(rs.certified_female, 0) ELSE 0 END), 0)
FROM dmc_round_schools rs JOIN schools s ON s.id = rs.school_id GROUP BY rs.round_id, s.area_id;

CREATE FUNCTION dmc_round_area_progress_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE dmc_round_area_progress SET
			confirmed = confirmed - (OLD.confirmed_at IS NOT NULL)::int,
			certified = certified - (OLD.certified_at IS NOT NULL)::int,
			acknowledged = acknowledged - (OLD.acknowledged_at IS NOT NULL)::int,
			certified_male = certified_male
				- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_male, 0) ELSE 0 END,
			certified_female = certified_female
				- CASE WHEN OLD.certified_at IS NOT NULL THEN COALESCE(OLD.certified_female, 0) ELSE 0 END
		WHERE round_id = OLD.round_id AND area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO dmc_round_area_progress AS p (round_id, area_id, confirmed, certified, acknowledged,
			certified_male, certified_female)
		SELECT NEW.round_id, area_id, (NEW.confirmed_at IS NOT NULL)::int, (NEW.certified_at IS NOT NULL)::int,
			(NEW.acknowledged_at IS NOT NULL)::int,
			CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_male, 0) ELSE 0 END,
			CASE WHEN NEW.certified_at IS NOT NULL THEN COALESCE(NEW.certified_female, 0) ELSE 0 END
		FROM schools WHERE id = NEW.school_id
		ON CONFLICT (round_id, area_id) DO UPDATE SET confirmed = p.confirmed + excluded.confirmed,
			certified = p.certified + excluded.certified, acknowledged = p.acknowledged + excluded.acknowledged,
			certified_male = p.certified_male + excluded.certified_male,
			certified_female = p.certified_female + excluded.certified_female;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER dmc_round_area_progress_keep AFTER INSERT OR UPDATE OR DELETE ON dmc_round_schools
	FOR EACH ROW EXECUTE FUNCTION dmc_round_area_progress_keep();

CREATE FUNCTION dmc_round_area_progress_school() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE dmc_round_area_progress p SET confirmed = p.confirmed - x.confirmed, certified = p.certified - x.certified,
		acknowledged = p.acknowledged - x.acknowledged, certified_male = p.certified_male - x.certified_male,
		certified_female = p.certified_female - x.certified_female
	FROM (SELECT round_id, COUNT(confirmed_at) AS confirmed, COUNT(certified_at) AS certified,
		COUNT(acknowledged_at) AS acknowledged,
		COALESCE(SUM(CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_male, 0) ELSE 0 END), 0)
			AS certified_male,
		COALESCE(SUM(CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_female, 0) ELSE 0 END), 0)
			AS certified_female
		FROM dmc_round_schools WHERE school_id = NEW.id GROUP BY round_id) x
	WHERE p.area_id = OLD.area_id AND p.round_id = x.round_id;
	INSERT INTO dmc_round_area_progress AS p (round_id, area_id, confirmed, certified, acknowledged,
		certified_male, certified_female)
	SELECT round_id, NEW.area_id, (confirmed_at IS NOT NULL)::int, (certified_at IS NOT NULL)::int,
		(acknowledged_at IS NOT NULL)::int,
		CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_male, 0) ELSE 0 END,
		CASE WHEN certified_at IS NOT NULL THEN COALESCE(certified_female, 0) ELSE 0 END
	FROM dmc_round_schools WHERE school_id = NEW.id
	ON CONFLICT (round_id, area_id) DO UPDATE SET confirmed = p.confirmed + excluded.confirmed,
		certified = p.certified + excluded.certified, acknowledged = p.acknowledged + excluded.acknowledged,
		certified_male = p.certified_male + excluded.certified_male,
		certified_female = p.certified_female + excluded.certified_female;
	RETURN NULL;
END $$;
CREATE TRIGGER dmc_round_area_progress_school AFTER UPDATE OF area_id ON schools
	FOR EACH ROW WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id) EXECUTE FUNCTION dmc_round_area_progress_school();
