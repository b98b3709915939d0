-- Issue 10.6: every write of an account (the area admin's edit, cancel,
-- reinstate, a password reset or change) adds one to its version in the
-- same statement, so an area admin's edit made from an older copy of the
-- account page (UPDATE … SET version = version + 1 WHERE id = $1 AND
-- version = $2) changes no row and is refused with 409. grants_version
-- (0103) is a separate counter: a role granted is not an edit of the
-- account's fields.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
