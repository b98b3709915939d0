-- One Stop Service (owned by src/oss/), SQLite (keep in step with
-- 0308_oss_status_counts.pg.sql): the requests of an area by service and
-- status over all months, the sum of oss_counts (area, service, month,
-- status → n) that the officers' list reads as its total, the menu reads
-- as the room requests waiting for a decision and the dashboard as its
-- table, so each reads one to three rows instead of summing a row per month
-- (~150 rows of a service after two years, ~45k instructions a sum on every
-- officer's page). Triggers keep it in the transaction of every change of
-- oss_counts, whoever writes it: a writer added later cannot forget it.
CREATE TABLE oss_status_counts (
	area_id BIGINT NOT NULL,
	service TEXT NOT NULL,
	status TEXT NOT NULL,
	n BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (area_id, service, status)
);
INSERT INTO oss_status_counts (area_id, service, status, n)
SELECT area_id, service, status, SUM(n) FROM oss_counts GROUP BY area_id, service, status;

CREATE TRIGGER oss_status_counts_insert AFTER INSERT ON oss_counts
BEGIN
	INSERT INTO oss_status_counts (area_id, service, status, n) VALUES (NEW.area_id, NEW.service, NEW.status, NEW.n)
	ON CONFLICT (area_id, service, status) DO UPDATE SET n = oss_status_counts.n + excluded.n;
END;
CREATE TRIGGER oss_status_counts_update AFTER UPDATE ON oss_counts
BEGIN
	UPDATE oss_status_counts SET n = n - OLD.n
	WHERE area_id = OLD.area_id AND service = OLD.service AND status = OLD.status;
	INSERT INTO oss_status_counts (area_id, service, status, n) VALUES (NEW.area_id, NEW.service, NEW.status, NEW.n)
	ON CONFLICT (area_id, service, status) DO UPDATE SET n = oss_status_counts.n + excluded.n;
END;
CREATE TRIGGER oss_status_counts_delete AFTER DELETE ON oss_counts
BEGIN
	UPDATE oss_status_counts SET n = n - OLD.n
	WHERE area_id = OLD.area_id AND service = OLD.service AND status = OLD.status;
END;
