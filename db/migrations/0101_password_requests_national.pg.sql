-- A password-change request of an account no area admin manages (an area
-- officer, an area admin himself, a citizen without a role) is stored
-- without an area and reaches the OBEC super admin's queue.
ALTER TABLE password_requests ALTER COLUMN area_id DROP NOT NULL;
