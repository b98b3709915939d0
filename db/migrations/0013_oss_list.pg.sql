-- One Stop Service lists (owned by src/oss/), PostgreSQL: the applicant's
-- name as lists show it ("นายประชา ชาวบ้าน"), kept beside the data JSON so
-- that the officers' and applicants' lists read one short column instead
-- of decoding every row's whole data (request.c fills it on insert and on
-- every edit). The same in 0013_oss_list.sqlite.sql; only the JSON access
-- of the backfill differs.
ALTER TABLE oss_requests ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
UPDATE oss_requests SET applicant_name =
	COALESCE(CAST(data AS json) ->> 'title', '') || COALESCE(CAST(data AS json) ->> 'first_name', '') || ' ' ||
	COALESCE(CAST(data AS json) ->> 'last_name', '');
-- (0013_oss_list.sqlite.sql also widens the two list indexes to cover a
-- list row; PostgreSQL limits an index entry to about 2,700 bytes and a
-- note may be longer, so its indexes stay as they are.)
