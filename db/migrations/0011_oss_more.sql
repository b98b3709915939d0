-- One Stop Service, more (owned by src/oss/): per area and service, the
-- manual and the blank form the area admin uploads and anyone may download
-- (OSS-2). One current file of each kind; a new upload replaces the row
-- (the old file stays on disk, X-6). path is relative to the data folder.
CREATE TABLE oss_documents (
	area_id BIGINT NOT NULL REFERENCES areas (id),
	service TEXT NOT NULL CHECK (service IN ('11', '12', '21', '31', '32', '41')),
	kind TEXT NOT NULL CHECK (kind IN ('manual', 'form')),
	path TEXT NOT NULL,
	name TEXT NOT NULL,
	size BIGINT NOT NULL,
	uploaded_by BIGINT REFERENCES users (id),
	uploaded_at BIGINT NOT NULL,
	PRIMARY KEY (area_id, service, kind)
);
