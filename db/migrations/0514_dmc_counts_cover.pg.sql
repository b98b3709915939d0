-- The area dashboard's covering index of dmc_counts is SQLite's only (see
-- 0514_dmc_counts_cover.sqlite.sql): nothing to do on PostgreSQL.
SELECT 1;
