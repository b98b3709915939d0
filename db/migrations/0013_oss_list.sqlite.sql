-- One Stop Service lists (owned by src/oss/), SQLite: the applicant's name
-- as lists show it ("นายประชา ชาวบ้าน"), kept beside the data JSON so that the
-- officers' and applicants' lists read one short column instead of
-- decoding every row's whole data (request.c fills it on insert and on
-- every edit). The same in 0013_oss_list.pg.sql; only the JSON access of
-- the backfill differs.
ALTER TABLE oss_requests ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
UPDATE oss_requests SET applicant_name =
	COALESCE(json_extract(data, '$.title'), '') || COALESCE(json_extract(data, '$.first_name'), '') || ' ' ||
	COALESCE(json_extract(data, '$.last_name'), '');

-- The two lists the benchmark reads (an area's requests of one service,
-- and an applicant's requests, newest first) carry every column a list row
-- shows in their index, so a page is read from the index alone instead of
-- ten seeks into rows that hold the whole data JSON (about 15 % of the
-- list's CPU). SQLite has no key size limit; PostgreSQL does (a note may
-- be 3,000 bytes), so 0013_oss_list.pg.sql keeps the narrow indexes.
DROP INDEX oss_requests_officer_all;
CREATE INDEX oss_requests_officer_all ON oss_requests (area_id, service, created_at, id, code, status, applicant_name,
						       note, result_file_id, status_at, queued_at);
DROP INDEX oss_requests_applicant_all;
CREATE INDEX oss_requests_applicant_all ON oss_requests (applicant_id, created_at, id, code, service, status,
							 applicant_name, note, result_file_id, status_at, queued_at);
