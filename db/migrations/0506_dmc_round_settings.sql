-- A round's dates are settings OBEC edits (DMC-3: an extended window), on
-- the page /dmc/rounds (src/dmc/settings.c): version decides two saves of
-- one round at once (issue 10.6), and who changed it last and when.
ALTER TABLE dmc_rounds ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE dmc_rounds ADD COLUMN updated_at BIGINT;
ALTER TABLE dmc_rounds ADD COLUMN updated_by BIGINT REFERENCES users (id);
