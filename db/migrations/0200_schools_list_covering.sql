-- The school list reads every column it shows from schools_area_name, so a
-- page never visits the table. Before, each of the OFFSET's skipped entries
-- still cost a deferred seek of its row id (SQLite's DeferredSeek /
-- IdxRowid) and each shown row a table look-up: about a quarter of the
-- schools page's instructions (bench/README.md). The columns added are
-- short codes and names that org.c limits, so an entry stays far below
-- PostgreSQL's b-tree limit of ~2.7 kB.
DROP INDEX schools_area_name;
CREATE INDEX schools_area_name ON schools (area_id, name COLLATE thai, id, search, obec_code, smis_code, district,
	province);
