-- Issue 10.14b, room booking beside AMSS++ (owned by src/oss/): the
-- chairman (ประธาน) and coordinator (ผู้ประสานงาน) of a meeting are kept on
-- each booking row as well as in the request's data, so the room calendar
-- shows them from the one index range it reads (no JSON decoded per row).
-- Old bookings had neither: empty.
ALTER TABLE oss_bookings ADD COLUMN chairman TEXT NOT NULL DEFAULT '';
ALTER TABLE oss_bookings ADD COLUMN coordinator TEXT NOT NULL DEFAULT '';
-- The calendar reads a room's month in start order (and the free-room
-- search and the usage report a range of each room): this index gives
-- that order with the row's times, so the interval test runs on the index
-- before a row is read. It replaces oss_bookings_room (room_id, start_at),
-- which it extends.
DROP INDEX oss_bookings_room;
CREATE INDEX oss_bookings_room ON oss_bookings (room_id, start_at, id, end_at, request_id);
-- The approvers' pending badge and bulk approval count the area's room
-- requests waiting for a decision: oss_requests_officer (area_id, service,
-- status, …) already serves that COUNT as one index range per status.
