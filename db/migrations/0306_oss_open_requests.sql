-- One Stop Service: the requests still open (waiting on the officers),
-- by area, service and how long they have waited. The officers'
-- dashboard counts each service's overdue requests on every view
-- (request.c sql_overdue_by_service) and the overdue list pages them
-- longest-waiting first; the officers' index (area, service, status, ...)
-- had them spread among the area's closed requests, so PostgreSQL stepped
-- over every open status of every service of the area: 105 ms a view
-- with 200,000 requests (bench pg_oss_dash, 70 views a second). Open
-- requests are the work in hand, a small part of all, so the partial
-- index stays small: 0.55 ms, index only. status is in it so that
-- SQLite, which does not count a partial index's WHERE as columns it
-- holds, reads it as covering for the count (else it walks the area's
-- whole covering officers' index).
CREATE INDEX oss_requests_open ON oss_requests (area_id, service, queued_at, id, status)
	WHERE status IN ('submitted', 'in_progress', 'resubmitted');
