-- Issue 10.6: every write of a request adds one to its version in the same
-- statement (UPDATE … SET version = version + 1 WHERE id = $1 AND version =
-- $2), so a save made from an older copy (the applicant's edit form, the
-- officer's processing page) changes no row and is refused with 409.
ALTER TABLE oss_requests ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
