-- One Stop Service, SQLite: the API's officers' list (GET
-- /api/v1/oss/requests?page=n, issue 15) steps over 100·(n−1) index
-- entries to reach its page, and an entry of a range that ends (area_id =
-- $1 AND service = $2) costs a compare of its key against the range's end
-- (~340 instructions with the open range of src/oss/api.c, most of a
-- page). A range with no end steps with IfPos and Prev alone (~130), and
-- SQLite gives one only for a bound on a single NOT NULL column: list_key
-- is area_id and service in one integer (area_id * 100 + the two-digit
-- service code: 1·100 + 11 = 111), kept by the two triggers, and
-- oss_requests_officer_key finds the page's first (created_at, id); the
-- page itself is then read from the covering oss_requests_officer_all.
-- (An index on the expression, or on a VIRTUAL generated column, would
-- need no trigger but is no cheaper: SQLite adds a NULL bound, or a
-- DeferredSeek into the table, for every entry; bench/README.md "The
-- API".) PostgreSQL reads its rows from the heap anyway and keeps its
-- plain range.
ALTER TABLE oss_requests ADD COLUMN list_key INTEGER NOT NULL DEFAULT 0;
UPDATE oss_requests SET list_key = area_id * 100 + CAST(service AS INTEGER);
CREATE TRIGGER oss_requests_list_key_insert AFTER INSERT ON oss_requests
BEGIN
	UPDATE oss_requests SET list_key = NEW.area_id * 100 + CAST(NEW.service AS INTEGER) WHERE id = NEW.id;
END;
CREATE TRIGGER oss_requests_list_key_update AFTER UPDATE OF area_id, service ON oss_requests
BEGIN
	UPDATE oss_requests SET list_key = NEW.area_id * 100 + CAST(NEW.service AS INTEGER) WHERE id = NEW.id;
END;
CREATE INDEX oss_requests_officer_key ON oss_requests (list_key, created_at, id);
