-- One truth for who serves a service (OSS-7, ACC-4): the officer grant
-- qualified by the service ("officer:31"), as the permission matrix and
-- access requests show it. The assignments of oss_officers become such
-- grants and the table goes.
--
-- 1. An officer grant without a service takes the first service its holder
--    was assigned in its area (the grant, and the sessions using it, stay).
UPDATE grants SET service = (
	SELECT MIN(o.service) FROM oss_officers o WHERE o.user_id = grants.user_id AND o.area_id = grants.area_id)
WHERE role = 'officer' AND revoked_at IS NULL AND COALESCE(service, '') = ''
  AND id = (SELECT MIN(g2.id) FROM grants g2 WHERE g2.user_id = grants.user_id AND g2.area_id = grants.area_id
	    AND g2.role = 'officer' AND g2.revoked_at IS NULL AND COALESCE(g2.service, '') = '')
  AND NOT EXISTS (SELECT 1 FROM grants g3 WHERE g3.user_id = grants.user_id AND g3.area_id = grants.area_id
		  AND g3.role = 'officer' AND g3.revoked_at IS NULL AND g3.service = (
			SELECT MIN(o.service) FROM oss_officers o
			WHERE o.user_id = grants.user_id AND o.area_id = grants.area_id))
  AND EXISTS (SELECT 1 FROM oss_officers o WHERE o.user_id = grants.user_id AND o.area_id = grants.area_id);

-- 2. Every assignment that counted (its user held an officer or area admin
--    grant in the area) is an officer grant for its service.
INSERT INTO grants (user_id, role, area_id, module, service, granted_by, granted_at)
SELECT o.user_id, 'officer', o.area_id, 'oss', o.service, o.assigned_by, o.assigned_at
FROM oss_officers o
WHERE EXISTS (SELECT 1 FROM grants g WHERE g.user_id = o.user_id AND g.area_id = o.area_id AND g.revoked_at IS NULL
	      AND g.role IN ('officer', 'area_admin'))
  AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = o.user_id AND g.area_id = o.area_id
		  AND g.revoked_at IS NULL AND g.role = 'officer' AND g.service = o.service);

-- 3. An officer grant still without a service beside ones with a service
--    in the same area is redundant: its sessions move to the first of those
--    and it is revoked (as of when the newest of those was granted).
UPDATE sessions SET grant_id = (
	SELECT MIN(g2.id) FROM grants g, grants g2 WHERE g.id = sessions.grant_id AND g2.user_id = g.user_id
	AND g2.area_id = g.area_id AND g2.role = 'officer' AND g2.revoked_at IS NULL AND COALESCE(g2.service, '') <> '')
WHERE grant_id IN (SELECT g.id FROM grants g WHERE g.role = 'officer' AND g.revoked_at IS NULL
		   AND COALESCE(g.service, '') = ''
		   AND EXISTS (SELECT 1 FROM grants g2 WHERE g2.user_id = g.user_id AND g2.area_id = g.area_id
			       AND g2.role = 'officer' AND g2.revoked_at IS NULL AND COALESCE(g2.service, '') <> ''));
UPDATE grants SET revoked_at = (
	SELECT MAX(g2.granted_at) FROM grants g2 WHERE g2.user_id = grants.user_id AND g2.area_id = grants.area_id
	AND g2.role = 'officer' AND g2.revoked_at IS NULL AND COALESCE(g2.service, '') <> '')
WHERE role = 'officer' AND revoked_at IS NULL AND COALESCE(service, '') = ''
  AND EXISTS (SELECT 1 FROM grants g2 WHERE g2.user_id = grants.user_id AND g2.area_id = grants.area_id
	      AND g2.role = 'officer' AND g2.revoked_at IS NULL AND COALESCE(g2.service, '') <> '');

DROP TABLE oss_officers;

-- The officers of a service in an area (the officers page, mail to them).
CREATE INDEX grants_service ON grants (area_id, role, service);
