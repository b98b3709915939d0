-- Issue 10.6: every write of a KPI report (the school's save and confirm,
-- its unconfirm, the reviewer's review and its undoing) adds one to its
-- version in the same statement (UPDATE … SET version = version + 1 WHERE
-- id = $1 AND version = $2), so a save or a review made from an older copy
-- of the report page changes no row and is refused with 409.
ALTER TABLE kpi_reports ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
