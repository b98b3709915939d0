-- A learner's record carries a version (issue 10.6, a save on a stale
-- copy; issue 15.1, PATCH /api/v1/dmc/learners/:id with _version): every
-- change of the row raises it, and an edit made from an older copy is
-- refused with 409 instead of silently overwriting the newer one.
ALTER TABLE dmc_learners ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
