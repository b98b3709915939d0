-- A role's module is implied by the role (acc_grant_add_full fills it in):
-- KPI roles belong to "kpi", officers to "oss". Grants made before that
-- rule by paths that left it empty get it now, so the duplicate check sees
-- them alike.
UPDATE grants SET module = 'kpi' WHERE role IN ('kpi_owner', 'kpi_reviewer') AND COALESCE(module, '') = '';
UPDATE grants SET module = 'oss' WHERE role = 'officer' AND COALESCE(module, '') = '';
