-- KPI-Online, more (owned by src/kpi/).
--
-- closed_at: when a period was last closed (NULL: never closed), so the
-- report page tells a closed period ("ปิดรับรายงานแล้ว") from one not yet
-- opened.
ALTER TABLE kpi_periods ADD COLUMN closed_at BIGINT;

-- n_reporting: how many distinct units of an indicator have submitted
-- (confirmed or reviewed) at least one report in any period, kept by
-- kpi_period_recount. The public statistics hide an indicator's averages
-- while fewer than three units have reported, so that no single school's
-- score can be read from them.
ALTER TABLE kpi_indicators ADD COLUMN n_reporting BIGINT NOT NULL DEFAULT 0;
UPDATE kpi_indicators SET n_reporting = (SELECT COUNT(DISTINCT r.unit_key) FROM kpi_reports r
	WHERE r.indicator_id = kpi_indicators.id AND r.status IN ('confirmed', 'reviewed'));

-- The year's totals of an indicator over its periods that were opened (or
-- closed again after reports were saved): periods, units assigned,
-- submitted and reviewed, sums and counts of scores. Kept by
-- kpi_period_recount (SUM over the indicator's periods, in the
-- transaction of every change), so the statistics of a year read one row
-- per indicator instead of every period of the year.
ALTER TABLE kpi_indicators ADD COLUMN y_periods BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_assigned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_submitted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_reviewed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_self_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_self_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_review_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_indicators ADD COLUMN y_review_n BIGINT NOT NULL DEFAULT 0;
UPDATE kpi_indicators SET
	y_periods = (SELECT COUNT(*) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_assigned = (SELECT COALESCE(SUM(p.n_assigned), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_submitted = (SELECT COALESCE(SUM(p.n_submitted), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_reviewed = (SELECT COALESCE(SUM(p.n_reviewed), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_self_sum = (SELECT COALESCE(SUM(p.self_sum), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_self_n = (SELECT COALESCE(SUM(p.self_n), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_review_sum = (SELECT COALESCE(SUM(p.review_sum), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0)),
	y_review_n = (SELECT COALESCE(SUM(p.review_n), 0) FROM kpi_periods p WHERE p.indicator_id = kpi_indicators.id
		AND (p.opened_at IS NOT NULL OR p.n_saved > 0));
