-- KPI-Online (KPI-1 … KPI-8), owned by src/kpi/. Scores are whole
-- hundredths (3.5 → 350) in *_x100 columns; dates of periods are
-- 'YYYY-MM-DD' (CE) text, which sorts and compares as dates; times are UTC
-- seconds.

-- An indicator of an area's fiscal year (KPI-2). number is unique within
-- the area's year; sort_key is the number with every run of digits
-- zero-padded, so lists sort "2" before "10" along the index. criteria is a
-- JSON array of levels ([2,3,4,5]). n_units counts kpi_indicator_units.
CREATE TABLE kpi_indicators (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	fiscal_year BIGINT NOT NULL,
	d1 TEXT NOT NULL DEFAULT '',
	d2 TEXT NOT NULL DEFAULT '',
	d3 TEXT NOT NULL DEFAULT '',
	d4 TEXT NOT NULL DEFAULT '',
	number TEXT NOT NULL,
	sort_key TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	type TEXT NOT NULL CHECK (type IN ('level5', 'percent', 'yesno')),
	weight_x100 BIGINT NOT NULL DEFAULT 100,
	criteria TEXT NOT NULL DEFAULT '[]',
	work_group_id BIGINT NOT NULL REFERENCES work_groups (id),
	period_kind TEXT NOT NULL CHECK (period_kind IN ('monthly', 'quarterly', 'half', 'once')),
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'close', 'hidden')),
	n_units BIGINT NOT NULL DEFAULT 0,
	copied_from BIGINT REFERENCES kpi_indicators (id),
	created_by BIGINT REFERENCES users (id),
	updated_by BIGINT REFERENCES users (id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (area_id, fiscal_year, number)
);
-- The list of a year, in number order.
CREATE INDEX kpi_indicators_year ON kpi_indicators (area_id, fiscal_year, sort_key, id);

-- Up to 11 documents of an indicator (description, assessment tool,
-- others), one per slot. A copied year's rows point at the same stored
-- files; stored files are never deleted.
CREATE TABLE kpi_indicator_files (
	id @ID@,
	indicator_id BIGINT NOT NULL REFERENCES kpi_indicators (id),
	slot BIGINT NOT NULL CHECK (slot BETWEEN 1 AND 11),
	description TEXT NOT NULL,
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	path TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES users (id),
	uploaded_at BIGINT NOT NULL,
	UNIQUE (indicator_id, slot)
);

-- The reporting periods of an indicator (KPI-3), all made at once for its
-- kind; opened_at is set while the period takes reports. The counters are
-- kept by kpi_period_recount in the transaction of every change to the
-- period's reports, so the indicator list reads them instead of
-- aggregating reports on every view.
CREATE TABLE kpi_periods (
	id @ID@,
	indicator_id BIGINT NOT NULL REFERENCES kpi_indicators (id),
	kind TEXT NOT NULL CHECK (kind IN ('monthly', 'quarterly', 'half', 'once')),
	seq BIGINT NOT NULL,
	start_date TEXT NOT NULL,
	end_date TEXT NOT NULL,
	due_date TEXT NOT NULL,
	opened_at BIGINT,
	opened_by BIGINT REFERENCES users (id),
	n_assigned BIGINT NOT NULL DEFAULT 0,
	n_saved BIGINT NOT NULL DEFAULT 0,
	n_submitted BIGINT NOT NULL DEFAULT 0,
	n_reviewed BIGINT NOT NULL DEFAULT 0,
	self_sum BIGINT NOT NULL DEFAULT 0,
	self_n BIGINT NOT NULL DEFAULT 0,
	review_sum BIGINT NOT NULL DEFAULT 0,
	review_n BIGINT NOT NULL DEFAULT 0,
	UNIQUE (indicator_id, kind, seq)
);
-- The reminder job: open periods due soon.
CREATE INDEX kpi_periods_due ON kpi_periods (due_date, opened_at);

-- One unit's place in one period (KPI-4) and its report (KPI-5, KPI-6):
-- made on assignment with status 'assigned'. unit_key is the school's id,
-- or 0 for the area office itself (school_id NULL), so uniqueness and
-- joins need no NULL rules.
CREATE TABLE kpi_reports (
	id @ID@,
	indicator_id BIGINT NOT NULL REFERENCES kpi_indicators (id),
	period_id BIGINT NOT NULL REFERENCES kpi_periods (id),
	school_id BIGINT REFERENCES schools (id),
	unit_key BIGINT NOT NULL,
	status TEXT NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'draft', 'confirmed', 'reviewed')),
	self_x100 BIGINT,
	reporter_id BIGINT REFERENCES users (id),
	saved_at BIGINT,
	confirmed_at BIGINT,
	review_x100 BIGINT,
	reviewer_id BIGINT REFERENCES users (id),
	reviewed_at BIGINT,
	assigned_by BIGINT REFERENCES users (id),
	assigned_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (period_id, unit_key)
);
-- The matrix: one page of units' cells of an indicator.
CREATE INDEX kpi_reports_matrix ON kpi_reports (indicator_id, unit_key, period_id);
-- A unit's own reports in a year (the report buttons of the list).
CREATE INDEX kpi_reports_unit ON kpi_reports (unit_key, indicator_id);

-- Each unit of an indicator once, in page order (the area office first,
-- then schools in Thai order), for paging the matrix along an index.
CREATE TABLE kpi_indicator_units (
	indicator_id BIGINT NOT NULL REFERENCES kpi_indicators (id),
	unit_key BIGINT NOT NULL,
	school_id BIGINT REFERENCES schools (id),
	rank BIGINT NOT NULL,
	name TEXT NOT NULL,
	PRIMARY KEY (indicator_id, unit_key)
);
CREATE INDEX kpi_indicator_units_page ON kpi_indicator_units (indicator_id, rank, name COLLATE thai, unit_key);

-- Files of a report: at most 10, each with its description (KPI-5).
CREATE TABLE kpi_report_files (
	id @ID@,
	report_id BIGINT NOT NULL REFERENCES kpi_reports (id),
	slot BIGINT NOT NULL CHECK (slot BETWEEN 1 AND 10),
	description TEXT NOT NULL,
	filename TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	path TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES users (id),
	uploaded_at BIGINT NOT NULL,
	UNIQUE (report_id, slot)
);

-- Every save, confirmation, review and cancellation: who, when, the score.
CREATE TABLE kpi_report_events (
	id @ID@,
	report_id BIGINT NOT NULL REFERENCES kpi_reports (id),
	action TEXT NOT NULL CHECK (action IN ('save', 'confirm', 'unconfirm', 'review', 'unreview')),
	score_x100 BIGINT,
	user_id BIGINT REFERENCES users (id),
	at BIGINT NOT NULL
);
CREATE INDEX kpi_report_events_report ON kpi_report_events (report_id, id);

-- The fiscal year each user works in (KPI-1).
CREATE TABLE kpi_user_year (
	user_id BIGINT PRIMARY KEY REFERENCES users (id),
	fiscal_year BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- Reminders sent (X-7): one row per report, kind (7: a week before, 1: the
-- day before) and due date, inserted before the mail is queued in the same
-- transaction, so no reminder goes out twice even from several instances.
CREATE TABLE kpi_reminders (
	report_id BIGINT NOT NULL REFERENCES kpi_reports (id),
	kind BIGINT NOT NULL,
	due_date TEXT NOT NULL,
	sent_at BIGINT NOT NULL,
	PRIMARY KEY (report_id, kind, due_date)
);
