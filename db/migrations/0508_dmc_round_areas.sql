-- An area's extension of a round's confirm window (DMC-3: "editable by
-- OBEC/the area for an extension"), owned by src/dmc/settings.c: the area's
-- census officer may close the round day's window later for its own
-- schools (close_at: UTC second of the closing minute, on the round day,
-- after the national close). Confirm and certify of the area's schools
-- read it (src/dmc/round.c); version decides two saves at once.
CREATE TABLE dmc_round_areas (
	round_id BIGINT NOT NULL REFERENCES dmc_rounds (id),
	area_id BIGINT NOT NULL REFERENCES areas (id),
	close_at BIGINT NOT NULL,
	version BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL,
	updated_by BIGINT REFERENCES users (id),
	PRIMARY KEY (round_id, area_id)
);
