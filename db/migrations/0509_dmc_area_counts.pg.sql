-- Active learners per area, grade and sex (DMC-5 dashboards), on
-- PostgreSQL (keep in step with 0509_dmc_area_counts.sqlite.sql).
-- dmc_counts is kept per school in the transaction of every change of a
-- learner (src/dmc/learner.c, import.c, promotion.c); these triggers keep
-- the area's sum in the same transaction, whoever writes dmc_counts, so
-- the national dashboard reads 30 rows per area instead of summing every
-- school (29,000 schools × 30) on each view. Triggers, not code at each
-- writer: a writer added later cannot forget it. A school moved to another
-- area takes its counts along.
CREATE TABLE dmc_area_counts (
	area_id BIGINT NOT NULL REFERENCES areas (id),
	grade TEXT NOT NULL REFERENCES dmc_grades (code),
	sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
	n BIGINT NOT NULL DEFAULT 0 CHECK (n >= 0),
	PRIMARY KEY (area_id, grade, sex)
);
INSERT INTO dmc_area_counts (area_id, grade, sex, n)
SELECT s.area_id, c.grade, c.sex, SUM(c.n) FROM dmc_counts c JOIN schools s ON s.id = c.school_id
WHERE c.n > 0 GROUP BY s.area_id, c.grade, c.sex;

CREATE FUNCTION dmc_area_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE dmc_area_counts SET n = n - OLD.n
		WHERE area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id)
		  AND grade = OLD.grade AND sex = OLD.sex;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO dmc_area_counts (area_id, grade, sex, n)
		SELECT area_id, NEW.grade, NEW.sex, NEW.n FROM schools WHERE id = NEW.school_id
		ON CONFLICT (area_id, grade, sex) DO UPDATE SET n = dmc_area_counts.n + excluded.n;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER dmc_area_counts_keep AFTER INSERT OR UPDATE OR DELETE ON dmc_counts
	FOR EACH ROW EXECUTE FUNCTION dmc_area_counts_keep();

CREATE FUNCTION dmc_area_counts_school() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE dmc_area_counts a SET n = a.n - c.n FROM dmc_counts c
	WHERE a.area_id = OLD.area_id AND c.school_id = NEW.id AND c.grade = a.grade AND c.sex = a.sex;
	INSERT INTO dmc_area_counts (area_id, grade, sex, n)
	SELECT NEW.area_id, grade, sex, n FROM dmc_counts WHERE school_id = NEW.id
	ON CONFLICT (area_id, grade, sex) DO UPDATE SET n = dmc_area_counts.n + excluded.n;
	RETURN NULL;
END $$;
CREATE TRIGGER dmc_area_counts_school AFTER UPDATE OF area_id ON schools
	FOR EACH ROW WHEN (OLD.area_id IS DISTINCT FROM NEW.area_id) EXECUTE FUNCTION dmc_area_counts_school();
