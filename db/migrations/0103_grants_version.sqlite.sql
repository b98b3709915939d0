-- 0102 on SQLite (keep in step with 0102_grants_version.pg.sql): a user's
-- grants_version changes in the same transaction as anything the page
-- header's role switcher shows of him: his grants (added, revoked, changed,
-- whoever writes them: a page, `khet user grant`, a migration, another
-- instance) and the names of the school, area and work group they name.
-- The session query reads it on every request, so an instance may keep the
-- switcher's labels per (user, grants_version) and still never show a
-- stale one (src/acc/session.c). Triggers, not code at each writer: a
-- writer added later cannot forget it.
ALTER TABLE users ADD COLUMN grants_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER grants_version_insert AFTER INSERT ON grants
BEGIN
	UPDATE users SET grants_version = grants_version + 1 WHERE id = NEW.user_id;
END;
CREATE TRIGGER grants_version_update AFTER UPDATE ON grants
BEGIN
	UPDATE users SET grants_version = grants_version + 1 WHERE id IN (OLD.user_id, NEW.user_id);
END;
CREATE TRIGGER grants_version_delete AFTER DELETE ON grants
BEGIN
	UPDATE users SET grants_version = grants_version + 1 WHERE id = OLD.user_id;
END;
CREATE TRIGGER grants_version_school AFTER UPDATE OF name ON schools
WHEN OLD.name IS NOT NEW.name
BEGIN
	UPDATE users SET grants_version = grants_version + 1
	WHERE id IN (SELECT user_id FROM grants WHERE school_id = NEW.id);
END;
CREATE TRIGGER grants_version_area AFTER UPDATE OF short_name ON areas
WHEN OLD.short_name IS NOT NEW.short_name
BEGIN
	UPDATE users SET grants_version = grants_version + 1
	WHERE id IN (SELECT user_id FROM grants WHERE area_id = NEW.id);
END;
CREATE TRIGGER grants_version_work_group AFTER UPDATE OF name ON work_groups
WHEN OLD.name IS NOT NEW.name
BEGIN
	UPDATE users SET grants_version = grants_version + 1
	WHERE id IN (SELECT user_id FROM grants WHERE work_group_id = NEW.id);
END;
