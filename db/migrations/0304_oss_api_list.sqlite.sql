-- One Stop Service: the API's list of an officer's service (GET
-- /api/v1/oss/requests, issue 15) names each request's applicant by id
-- too, which the officers' covering index (0013) did not hold, so every
-- row of a page, and every row its OFFSET stepped over, was a seek into the
-- table (rows that hold the whole form's JSON). The same index with
-- applicant_id at its end: one range of the index answers the list page
-- and the API alike. PostgreSQL keeps its narrow index (0013_oss_list.pg.sql:
-- a note may be longer than its key limit), so this is SQLite's alone.
DROP INDEX oss_requests_officer_all;
CREATE INDEX oss_requests_officer_all ON oss_requests (area_id, service, created_at, id, code, status, applicant_name,
						       note, result_file_id, status_at, queued_at, applicant_id);
