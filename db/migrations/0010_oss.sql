-- One Stop Service (OSS-1 … OSS-8), owned by src/oss/.
--
-- A request of any of the six services is one row of oss_requests: the
-- columns every service shares, and the service's own fields as JSON text
-- in data (so adding a field to a form needs no migration). Lists never
-- read data for filtering; they filter on the indexed columns and on
-- search, the thai_search_terms of the code, the names and the main text.
-- Times are UTC seconds.
CREATE TABLE oss_requests (
	id @ID@,
	-- OSS-4: service + Bangkok time YYYYMMDDhhmmss; a writer that finds
	-- its code taken takes the next free second (src/oss/refcode.c).
	code TEXT NOT NULL UNIQUE CHECK (length(code) = 16),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	service TEXT NOT NULL CHECK (service IN ('11', '12', '21', '31', '32', '41')),
	applicant_id BIGINT NOT NULL REFERENCES users (id),
	status TEXT NOT NULL CHECK (status IN ('submitted', 'in_progress', 'returned', 'resubmitted', 'completed',
					       'cancelled')),
	data TEXT NOT NULL,
	-- the message of the latest step (an officer's "ข้อมูลไม่ชัดเจน")
	note TEXT NOT NULL DEFAULT '',
	-- the officer's file of the completing step (oss_files.id)
	result_file_id BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	-- when the status last changed (shown with it in lists)
	status_at BIGINT NOT NULL,
	-- when the request last came to the officers (submitted or
	-- resubmitted): the wait in business days counts from here (OSS-7)
	queued_at BIGINT NOT NULL,
	search TEXT NOT NULL DEFAULT ''
);
-- The applicant's list (OSS-6): one applicant's rows of one service (or
-- all of them: an applicant has few), newest first.
CREATE INDEX oss_requests_applicant ON oss_requests (applicant_id, service, created_at, id);
-- The officers' lists (OSS-7): an area's requests of one service in one
-- status, or in every status, newest first, paged in index order. With
-- 200,000 requests a page reads only its own rows plus the offset; the
-- totals come from oss_counts.
CREATE INDEX oss_requests_officer ON oss_requests (area_id, service, status, created_at, id);
CREATE INDEX oss_requests_officer_all ON oss_requests (area_id, service, created_at, id);

-- Attachments: the applicant's slots (id_card, other1 …) and the officer's
-- 'result'. A new upload to a slot adds a row; the latest row of a slot is
-- the current file, older ones stay (nothing is lost, X-6). path is
-- relative to the data folder, never under static/.
CREATE TABLE oss_files (
	id @ID@,
	request_id BIGINT NOT NULL REFERENCES oss_requests (id),
	slot TEXT NOT NULL,
	path TEXT NOT NULL,
	name TEXT NOT NULL,
	mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'application/pdf')),
	size BIGINT NOT NULL,
	uploaded_by BIGINT NOT NULL REFERENCES users (id),
	created_at BIGINT NOT NULL
);
CREATE INDEX oss_files_request ON oss_files (request_id, slot, id);

-- Every change of a request: who, when, from which status to which, the
-- message and the officer's file (OSS-5). from_status is NULL on the row
-- of the submission. actor_name keeps the name as it was.
CREATE TABLE oss_history (
	id @ID@,
	request_id BIGINT NOT NULL REFERENCES oss_requests (id),
	at BIGINT NOT NULL,
	actor_id BIGINT NOT NULL REFERENCES users (id),
	actor_name TEXT NOT NULL DEFAULT '',
	actor_role TEXT NOT NULL CHECK (actor_role IN ('applicant', 'officer')),
	action TEXT NOT NULL,
	from_status TEXT,
	to_status TEXT NOT NULL,
	message TEXT NOT NULL DEFAULT '',
	file_id BIGINT REFERENCES oss_files (id)
);
CREATE INDEX oss_history_request ON oss_history (request_id, id);

-- Request counts per area, service, month of submission (YYYYMM, Bangkok)
-- and current status, kept in the transaction of every submission and
-- status change: the dashboard's report and the officers' list totals
-- read a few dozen of these rows instead of counting 200,000 requests.
CREATE TABLE oss_counts (
	area_id BIGINT NOT NULL,
	service TEXT NOT NULL,
	ym BIGINT NOT NULL,
	status TEXT NOT NULL,
	n BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (area_id, service, ym, status)
);

-- Officers assigned per service by the area admin (OSS-7): they see and
-- process only these services of this area.
CREATE TABLE oss_officers (
	id @ID@,
	user_id BIGINT NOT NULL REFERENCES users (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	service TEXT NOT NULL CHECK (service IN ('11', '12', '21', '31', '32', '41')),
	assigned_by BIGINT REFERENCES users (id),
	assigned_at BIGINT NOT NULL,
	UNIQUE (user_id, area_id, service)
);
CREATE INDEX oss_officers_area ON oss_officers (area_id, service);

-- Meeting rooms of an area (settings).
CREATE TABLE oss_rooms (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	name TEXT NOT NULL,
	capacity BIGINT NOT NULL CHECK (capacity > 0),
	active BIGINT NOT NULL DEFAULT 1,
	UNIQUE (area_id, name)
);

-- Bookings: one row per day of a booking, [start_at, end_at) within that
-- day. booking.c checks overlaps under the room's lock before inserting;
-- a cancelled request's rows are deleted.
CREATE TABLE oss_bookings (
	id @ID@,
	request_id BIGINT NOT NULL REFERENCES oss_requests (id),
	room_id BIGINT NOT NULL REFERENCES oss_rooms (id),
	start_at BIGINT NOT NULL,
	end_at BIGINT NOT NULL,
	attendees BIGINT NOT NULL CHECK (attendees > 0),
	CHECK (end_at > start_at AND end_at - start_at <= 86400)
);
CREATE INDEX oss_bookings_room ON oss_bookings (room_id, start_at);
CREATE INDEX oss_bookings_request ON oss_bookings (request_id);

-- Public holidays an area admin enters (business days, OSS-7).
CREATE TABLE oss_holidays (
	id @ID@,
	area_id BIGINT NOT NULL REFERENCES areas (id),
	day TEXT NOT NULL CHECK (length(day) = 10),
	name TEXT NOT NULL,
	UNIQUE (area_id, day)
);

-- Unit prices of the ปพ. forms in satang (OSS-2.6): area 0 holds the
-- national defaults, an area's own rows override them.
CREATE TABLE oss_prices (
	area_id BIGINT NOT NULL,
	item TEXT NOT NULL CHECK (item IN ('pp1_p', 'pp3_p', 'pp1_b', 'pp2_b', 'pp3_b')),
	price BIGINT NOT NULL CHECK (price >= 0),
	updated_by BIGINT,
	updated_at BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (area_id, item)
);
INSERT INTO oss_prices (area_id, item, price) VALUES (0, 'pp1_p', 16000);
INSERT INTO oss_prices (area_id, item, price) VALUES (0, 'pp3_p', 500);
INSERT INTO oss_prices (area_id, item, price) VALUES (0, 'pp1_b', 16000);
INSERT INTO oss_prices (area_id, item, price) VALUES (0, 'pp2_b', 200);
INSERT INTO oss_prices (area_id, item, price) VALUES (0, 'pp3_b', 500);
