-- The applicant's list over all services (OSS-6) walks this index newest
-- first and stops at the page's end, instead of sorting all his requests.
CREATE INDEX oss_requests_applicant_all ON oss_requests (applicant_id, created_at, id);
