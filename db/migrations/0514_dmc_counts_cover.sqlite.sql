-- The area dashboard (DMC-5) reads its schools' dmc_counts rows, about 20
-- a school (300 schools: 6,000 rows a view). The table has a rowid, so
-- each row of its primary key's index cost a second search in the table
-- for n; this index holds n too, so the read stays in the index. SQLite
-- only: PostgreSQL's plan reads the heap for visibility anyway (the rows
-- change with every learner), and its primary key serves the same range.
CREATE INDEX dmc_counts_cover ON dmc_counts (school_id, grade, sex, n);
