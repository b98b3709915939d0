-- What a school asks its area to approve (DMC-2), owned by src/dmc/request.c:
-- a drop-out (ออกกลางคัน, kind 'dropout', with a reason from
-- dmc_dropout_reasons and a note) and a citizen-ID correction (kind
-- 'id_fix': old_ident → new_ident). A request is pending until the area's
-- census officer approves or rejects it, or the school withdraws it; only
-- an approval changes the learner, so until then a drop-out is still
-- counted. One pending request of a kind per learner, and one pending
-- correction to a given ID, by the database (the partial UNIQUE indexes).
-- area_id is the school's area when asked, so the area's page is one range
-- of an index.
CREATE TABLE dmc_dropout_reasons (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL,
	sort BIGINT NOT NULL
);
INSERT INTO dmc_dropout_reasons (code, label, sort) VALUES
	('poverty', 'ฐานะยากจน', 1), ('family', 'มีปัญหาครอบครัว', 2), ('marriage', 'สมรสแล้ว', 3),
	('work', 'ต้องหารายได้/ประกอบอาชีพ', 4), ('health', 'มีปัญหาด้านสุขภาพ', 5), ('adjust', 'ปัญหาการปรับตัว', 6),
	('legal', 'ต้องคดี/ถูกจับ', 7), ('travel', 'การเดินทางไม่สะดวก', 8), ('migrate', 'อพยพตามผู้ปกครอง', 9),
	('death', 'ถึงแก่กรรม', 10), ('other', 'อื่น ๆ (ระบุ)', 11);

CREATE TABLE dmc_requests (
	id @ID@,
	kind TEXT NOT NULL CHECK (kind IN ('dropout', 'id_fix')),
	learner_id BIGINT NOT NULL REFERENCES dmc_learners (id),
	school_id BIGINT NOT NULL REFERENCES schools (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	reason TEXT REFERENCES dmc_dropout_reasons (code),
	note TEXT NOT NULL DEFAULT '',
	old_ident TEXT NOT NULL DEFAULT '',
	new_ident TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
	requested_at BIGINT NOT NULL,
	requested_by BIGINT REFERENCES users (id),
	decided_at BIGINT,
	decided_by BIGINT REFERENCES users (id),
	decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX dmc_requests_one_pending ON dmc_requests (learner_id, kind) WHERE status = 'pending';
CREATE UNIQUE INDEX dmc_requests_new_ident ON dmc_requests (new_ident) WHERE status = 'pending' AND kind = 'id_fix';
-- the area's page: pending first, then the latest decided
CREATE INDEX dmc_requests_area ON dmc_requests (area_id, status, requested_at, id);
-- a learner's page
CREATE INDEX dmc_requests_learner ON dmc_requests (learner_id, requested_at, id);
