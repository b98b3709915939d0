-- Issue 10.14: a reference code keeps its submission second and takes a
-- sequence after it when the second is taken (src/oss/refcode.c), so codes
-- are 16, 17 or 18 digits.
ALTER TABLE oss_requests DROP CONSTRAINT oss_requests_code_check;
ALTER TABLE oss_requests ADD CONSTRAINT oss_requests_code_check CHECK (length(code) BETWEEN 16 AND 18);
