-- Active learners per area, grade and sex (DMC-5 dashboards), on SQLite
-- (keep in step with 0509_dmc_area_counts.pg.sql). dmc_counts is kept per
-- school in the transaction of every change of a learner (src/dmc/learner.c,
-- import.c, promotion.c); these triggers keep the area's sum in the same
-- transaction, whoever writes dmc_counts, so the national dashboard reads
-- 30 rows per area instead of summing every school (29,000 schools × 30)
-- on each view. Triggers, not code at each writer: a writer added later
-- cannot forget it. A school moved to another area takes its counts along.
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

CREATE TRIGGER dmc_area_counts_insert AFTER INSERT ON dmc_counts
BEGIN
	INSERT INTO dmc_area_counts (area_id, grade, sex, n)
	SELECT area_id, NEW.grade, NEW.sex, NEW.n FROM schools WHERE id = NEW.school_id
	ON CONFLICT (area_id, grade, sex) DO UPDATE SET n = dmc_area_counts.n + excluded.n;
END;
CREATE TRIGGER dmc_area_counts_update AFTER UPDATE ON dmc_counts
BEGIN
	UPDATE dmc_area_counts SET n = n - OLD.n
	WHERE area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id) AND grade = OLD.grade AND sex = OLD.sex;
	INSERT INTO dmc_area_counts (area_id, grade, sex, n)
	SELECT area_id, NEW.grade, NEW.sex, NEW.n FROM schools WHERE id = NEW.school_id
	ON CONFLICT (area_id, grade, sex) DO UPDATE SET n = dmc_area_counts.n + excluded.n;
END;
CREATE TRIGGER dmc_area_counts_delete AFTER DELETE ON dmc_counts
BEGIN
	UPDATE dmc_area_counts SET n = n - OLD.n
	WHERE area_id = (SELECT area_id FROM schools WHERE id = OLD.school_id) AND grade = OLD.grade AND sex = OLD.sex;
END;
CREATE TRIGGER dmc_area_counts_school AFTER UPDATE OF area_id ON schools
WHEN OLD.area_id IS NOT NEW.area_id
BEGIN
	UPDATE dmc_area_counts SET n = n - COALESCE((SELECT c.n FROM dmc_counts c WHERE c.school_id = NEW.id
		AND c.grade = dmc_area_counts.grade AND c.sex = dmc_area_counts.sex), 0)
	WHERE area_id = OLD.area_id;
	INSERT INTO dmc_area_counts (area_id, grade, sex, n)
	SELECT NEW.area_id, grade, sex, n FROM dmc_counts WHERE school_id = NEW.id
	ON CONFLICT (area_id, grade, sex) DO UPDATE SET n = dmc_area_counts.n + excluded.n;
END;
