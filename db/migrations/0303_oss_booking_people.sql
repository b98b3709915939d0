-- Issue 10.14b, room booking beside AMSS++ (owned by src/oss/): the
-- chairman (ประธาน) and coordinator (ผู้ประสานงาน) of a meeting are kept on
-- each booking row as well as in the request's data, and so are the
-- request's applicant and status (booking.c writes them with the row,
-- request.c's oss_request_move keeps the status in the same transaction as
-- the request's), so the room calendar reads a month from one index range
-- alone: no seek into oss_requests (200,000 rows holding their data JSON)
-- and none into the booking rows. Old bookings had no chairman or
-- coordinator: empty.
ALTER TABLE oss_bookings ADD COLUMN chairman TEXT NOT NULL DEFAULT '';
ALTER TABLE oss_bookings ADD COLUMN coordinator TEXT NOT NULL DEFAULT '';
ALTER TABLE oss_bookings ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE oss_bookings ADD COLUMN applicant_id BIGINT NOT NULL DEFAULT 0;
UPDATE oss_bookings SET status = (SELECT r.status FROM oss_requests r WHERE r.id = oss_bookings.request_id),
	applicant_id = (SELECT r.applicant_id FROM oss_requests r WHERE r.id = oss_bookings.request_id);
-- The calendar reads a room's month in start order with everything it
-- shows; the free-room search and the usage report read a range of each
-- room of an area. This index covers all three (a chairman and a
-- coordinator are at most 200 characters each, within PostgreSQL's index
-- entry limit). It replaces oss_bookings_room (room_id, start_at), which
-- it extends.
DROP INDEX oss_bookings_room;
CREATE INDEX oss_bookings_room ON oss_bookings (room_id, start_at, id, end_at, request_id, status, applicant_id,
						chairman, coordinator);
-- The approvers' menu count (src/oss/rooms.c, on every page an approver
-- gets) sums the area's room requests in the three waiting statuses from
-- oss_counts: this index holds the sum's rows in three short ranges with
-- their counts, so no counter row is read (the primary key's order, by
-- month first, made it ~150 row reads a page).
CREATE INDEX oss_counts_status ON oss_counts (area_id, service, status, n);
