-- One Stop Service (owned by src/oss/), SQLite (keep in step with
-- 0307_oss_holiday_days.pg.sql): each area's public holidays as one row,
-- their days joined by commas in date order ("2026-01-01,2026-02-12,…"),
-- so an officer's page (the list, the dashboard, a request's processing:
-- every wait in business days, OSS-7) reads one short text instead of the
-- area's ~80 rows of oss_holidays on every request. Triggers keep it in the
-- transaction of every change of oss_holidays, whoever writes it (the
-- admin's page, `khet demo`, a repair by hand): a writer added later cannot
-- forget it. An area without holidays has no row, or '' after its last one
-- is removed.
CREATE TABLE oss_holiday_days (
	area_id BIGINT PRIMARY KEY REFERENCES areas (id),
	days TEXT NOT NULL
);
INSERT INTO oss_holiday_days (area_id, days)
SELECT area_id, group_concat(day, ',') FROM (SELECT area_id, day FROM oss_holidays ORDER BY area_id, day)
GROUP BY area_id;

CREATE TRIGGER oss_holiday_days_insert AFTER INSERT ON oss_holidays
BEGIN
	INSERT INTO oss_holiday_days (area_id, days)
	VALUES (NEW.area_id, COALESCE((SELECT group_concat(day, ',') FROM
		(SELECT day FROM oss_holidays WHERE area_id = NEW.area_id ORDER BY day)), ''))
	ON CONFLICT (area_id) DO UPDATE SET days = excluded.days;
END;
CREATE TRIGGER oss_holiday_days_delete AFTER DELETE ON oss_holidays
BEGIN
	UPDATE oss_holiday_days SET days = COALESCE((SELECT group_concat(day, ',') FROM
		(SELECT day FROM oss_holidays WHERE area_id = OLD.area_id ORDER BY day)), '')
	WHERE area_id = OLD.area_id;
END;
CREATE TRIGGER oss_holiday_days_update AFTER UPDATE OF area_id, day ON oss_holidays
BEGIN
	UPDATE oss_holiday_days SET days = COALESCE((SELECT group_concat(day, ',') FROM
		(SELECT day FROM oss_holidays WHERE area_id = OLD.area_id ORDER BY day)), '')
	WHERE area_id = OLD.area_id;
	INSERT INTO oss_holiday_days (area_id, days)
	VALUES (NEW.area_id, COALESCE((SELECT group_concat(day, ',') FROM
		(SELECT day FROM oss_holidays WHERE area_id = NEW.area_id ORDER BY day)), ''))
	ON CONFLICT (area_id) DO UPDATE SET days = excluded.days;
END;
