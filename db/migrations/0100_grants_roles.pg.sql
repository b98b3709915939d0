-- Roles are validated by the module registry (src/core/module.h), not by a
-- CHECK listing them, so a new module's roles need no change here.
ALTER TABLE grants DROP CONSTRAINT IF EXISTS grants_role_check;
ALTER TABLE grants ADD CONSTRAINT grants_role_length CHECK (length(role) BETWEEN 1 AND 23);

-- A grant's module is the module that declares its role; the platform's
-- own roles now say so too, as new grants do.
UPDATE grants SET module = 'acc'
WHERE role IN ('area_admin', 'school_admin', 'teacher', 'homeroom', 'director', 'super_admin')
  AND COALESCE(module, '') = '';
UPDATE grants SET module = 'oss' WHERE role = 'executive' AND COALESCE(module, '') = '';
