-- Roles are validated by the module registry (src/core/module.h), not by a
-- CHECK listing them, so a new module's roles need no change here. SQLite
-- cannot drop a CHECK, so grants is rebuilt with every row, id and index
-- kept. Foreign keys stay on: sessions and the roster tables point at
-- grants, so the checks are deferred to the commit, the rows are copied
-- aside, the old table is dropped (its children's references dangle for a
-- moment), the new one takes its name, and re-inserting the rows with
-- their ids gives every child its parent back before the commit checks.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE grants_copy AS SELECT * FROM grants;

CREATE TABLE grants_new (
	id INTEGER PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	role TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 23),
	area_id BIGINT REFERENCES areas (id),
	school_id BIGINT REFERENCES schools (id),
	work_group_id BIGINT REFERENCES work_groups (id),
	module TEXT,
	service TEXT,
	granted_by BIGINT REFERENCES users (id),
	granted_at BIGINT NOT NULL,
	revoked_at BIGINT,
	revoked_by BIGINT REFERENCES users (id)
);

DROP TABLE grants;
ALTER TABLE grants_new RENAME TO grants;
INSERT INTO grants (id, user_id, role, area_id, school_id, work_group_id, module, service, granted_by, granted_at,
		    revoked_at, revoked_by)
SELECT id, user_id, role, area_id, school_id, work_group_id, module, service, granted_by, granted_at, revoked_at,
       revoked_by
FROM temp.grants_copy;
DROP TABLE temp.grants_copy;

CREATE INDEX grants_user ON grants (user_id, id);
CREATE INDEX grants_school ON grants (school_id, role);
CREATE INDEX grants_area ON grants (area_id, role);

-- A grant's module is the module that declares its role; the platform's
-- own roles now say so too, as new grants do.
UPDATE grants SET module = 'acc'
WHERE role IN ('area_admin', 'school_admin', 'teacher', 'homeroom', 'director', 'super_admin')
  AND COALESCE(module, '') = '';
UPDATE grants SET module = 'oss' WHERE role = 'executive' AND COALESCE(module, '') = '';
