-- Personnel registry: the counts the area's completeness page and every
-- school's "recorded N / incomplete M" read (issue 13, DPA-4 at the
-- national scale: 450,000 staff in 29,000 schools). Before, every view of
-- the area page summed the area's staff rows (GROUP BY over dpa_staff);
-- now it reads one row per school from here.
--
-- A place is a school (school_id) or an area office (school_id 0; the
-- office's records have school_id NULL in dpa_staff). dpa_counts holds a
-- place's active staff and how many of them lack something; dpa_type_counts
-- the same per personnel type ('' for a record with no type yet). Both are
-- kept by src/dpa/counts.c (dpa_counts_refresh) in the same transaction as
-- every add, edit, removal, transfer and import, by the domain functions,
-- not by triggers: the place's dpa_counts row is locked first, then the
-- place is recounted from its index range (15–60 rows a school), so two
-- writers at one school serialise on that row and neither count is lost.
-- A place that had staff keeps its dpa_counts row (zeros) when the last
-- one leaves; type rows at zero are deleted.

CREATE TABLE dpa_counts (
	school_id BIGINT NOT NULL,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	recorded BIGINT NOT NULL DEFAULT 0,
	incomplete BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (school_id, area_id)
);
-- the area page: its schools' rows in one index range
CREATE INDEX dpa_counts_area ON dpa_counts (area_id, school_id, recorded, incomplete);

CREATE TABLE dpa_type_counts (
	school_id BIGINT NOT NULL,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	type TEXT NOT NULL,
	recorded BIGINT NOT NULL,
	incomplete BIGINT NOT NULL,
	PRIMARY KEY (school_id, area_id, type)
);
CREATE INDEX dpa_type_counts_area ON dpa_type_counts (area_id, school_id, type, recorded);

-- backfill from what is stored
INSERT INTO dpa_counts (school_id, area_id, recorded, incomplete)
	SELECT COALESCE(school_id, 0), area_id, COUNT(*), SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END)
	FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id;
INSERT INTO dpa_type_counts (school_id, area_id, type, recorded, incomplete)
	SELECT COALESCE(school_id, 0), area_id, COALESCE(type, ''), COUNT(*),
		SUM(CASE WHEN missing > 0 THEN 1 ELSE 0 END)
	FROM dpa_staff WHERE status = 'active' GROUP BY COALESCE(school_id, 0), area_id, COALESCE(type, '');
