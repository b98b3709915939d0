-- Organisation (ORG-1): area offices, their work groups and their schools.
-- Owned by src/org/org.c, which keeps areas.school_count equal to the
-- number of the area's schools in the same transaction as every insert or
-- delete, so the school list pages without COUNT(*) over ~30,000 rows.
CREATE TABLE areas (
	id @ID@,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('primary', 'secondary')),
	province TEXT NOT NULL,
	school_count BIGINT NOT NULL DEFAULT 0
);
-- The list of areas is short (245 nationally) and read in Thai order.
CREATE INDEX areas_name ON areas (name COLLATE thai);

CREATE TABLE work_groups (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	name TEXT NOT NULL,
	sort BIGINT NOT NULL DEFAULT 0,
	UNIQUE (area_id, name)
);
CREATE INDEX work_groups_area ON work_groups (area_id, sort, id);

CREATE TABLE schools (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	obec_code TEXT NOT NULL UNIQUE,
	smis_code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	district TEXT NOT NULL DEFAULT '',
	province TEXT NOT NULL DEFAULT '',
	-- thai_search_terms of name, district and codes, then the name itself,
	-- searched with one LIKE '%word%' per word of the query.
	search TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
-- The school list of an area, in Thai order, paged; id keeps schools of the
-- same name in a stable order. search is in the index too so that a search
-- walks only the index (one area's entries, already in page order) and
-- never visits the table row of a school that does not match: a leading-%
-- LIKE cannot seek in a b-tree, and scanning one area's entries this way
-- costs well under a millisecond for a real area of a few hundred schools.
-- org.c limits names and districts so that an entry stays far below
-- PostgreSQL's b-tree limit of ~2.7 kB.
CREATE INDEX schools_area_name ON schools (area_id, name COLLATE thai, id, search);
