-- One Stop Service (owned by src/oss/), PostgreSQL (keep in step with
-- 0307_oss_holiday_days.sqlite.sql): each area's public holidays as one
-- row, their days joined by commas in date order ("2026-01-01,2026-02-12,…"),
-- so an officer's page (the list, the dashboard, a request's processing:
-- every wait in business days, OSS-7) reads one short text instead of the
-- area's ~80 rows of oss_holidays on every request. A trigger keeps it in
-- the transaction of every change of oss_holidays, whoever writes it (the
-- admin's page, `khet demo`, a repair by hand, another instance): a writer
-- added later cannot forget it. An area without holidays has no row, or ''
-- after its last one is removed.
CREATE TABLE oss_holiday_days (
	area_id BIGINT PRIMARY KEY REFERENCES areas (id),
	days TEXT NOT NULL
);
INSERT INTO oss_holiday_days (area_id, days)
SELECT area_id, string_agg(day, ',' ORDER BY day) FROM oss_holidays GROUP BY area_id;

-- Two transactions adding holidays to one area at once: the second waits
-- for the row lock (FOR UPDATE) until the first commits, and its UPDATE, a
-- statement of its own under READ COMMITTED, then reads both holidays.
CREATE FUNCTION oss_holiday_days_refresh(a BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO oss_holiday_days (area_id, days) VALUES (a, '') ON CONFLICT (area_id) DO NOTHING;
	PERFORM 1 FROM oss_holiday_days WHERE area_id = a FOR UPDATE;
	UPDATE oss_holiday_days
	SET days = COALESCE((SELECT string_agg(day, ',' ORDER BY day) FROM oss_holidays WHERE area_id = a), '')
	WHERE area_id = a;
END $$;

CREATE FUNCTION oss_holiday_days_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM oss_holiday_days_refresh(OLD.area_id);
	END IF;
	IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.area_id IS DISTINCT FROM OLD.area_id) THEN
		PERFORM oss_holiday_days_refresh(NEW.area_id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER oss_holiday_days_keep AFTER INSERT OR DELETE OR UPDATE OF area_id, day ON oss_holidays
	FOR EACH ROW EXECUTE FUNCTION oss_holiday_days_keep();
