-- 0102 on PostgreSQL (keep in step with 0102_grants_version.sqlite.sql): a
-- user's grants_version changes in the same transaction as anything the
-- page header's role switcher shows of him: his grants (added, revoked,
-- changed, whoever writes them: a page, `khet user grant`, a migration,
-- another instance) and the names of the school, area and work group they
-- name. The session query reads it on every request, so an instance may
-- keep the switcher's labels per (user, grants_version) and still never
-- show a stale one (src/acc/session.c). Triggers, not code at each writer:
-- a writer added later cannot forget it.
ALTER TABLE users ADD COLUMN grants_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION grants_version_bump_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE users SET grants_version = grants_version + 1 WHERE id = OLD.user_id;
	END IF;
	IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
		UPDATE users SET grants_version = grants_version + 1 WHERE id = NEW.user_id;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER grants_version_grant AFTER INSERT OR UPDATE OR DELETE ON grants
	FOR EACH ROW EXECUTE FUNCTION grants_version_bump_grant();

-- TG_ARGV[0]: the grants column that names the renamed row
CREATE FUNCTION grants_version_bump_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_ARGV[0] = 'school_id' THEN
		UPDATE users SET grants_version = grants_version + 1
		WHERE id IN (SELECT user_id FROM grants WHERE school_id = NEW.id);
	ELSIF TG_ARGV[0] = 'area_id' THEN
		UPDATE users SET grants_version = grants_version + 1
		WHERE id IN (SELECT user_id FROM grants WHERE area_id = NEW.id);
	ELSE
		UPDATE users SET grants_version = grants_version + 1
		WHERE id IN (SELECT user_id FROM grants WHERE work_group_id = NEW.id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER grants_version_school AFTER UPDATE OF name ON schools
	FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION grants_version_bump_unit('school_id');
CREATE TRIGGER grants_version_area AFTER UPDATE OF short_name ON areas
	FOR EACH ROW WHEN (OLD.short_name IS DISTINCT FROM NEW.short_name) EXECUTE FUNCTION grants_version_bump_unit('area_id');
CREATE TRIGGER grants_version_work_group AFTER UPDATE OF name ON work_groups
	FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION grants_version_bump_unit('work_group_id');
