-- The per-head subsidy (DMC-4, เงินอุดหนุนรายหัว), owned by src/dmc/subsidy.c:
-- baht a year per learner of each level, a setting per academic year (BE).
-- academic_year 0 holds the rates used for a year that has none of its own
-- (SPEC DMC-4's: อนุบาล 1,700, ประถม 1,900, ม.ต้น 3,500, ม.ปลาย 3,800 baht);
-- OBEC sets a year's own rates on /dmc/subsidy. Amounts are in satang.
CREATE TABLE dmc_subsidy_rates (
	academic_year BIGINT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('kinder', 'primary', 'lower', 'upper')),
	rate_satang BIGINT NOT NULL CHECK (rate_satang >= 0),
	version BIGINT NOT NULL DEFAULT 1,
	updated_at BIGINT,
	updated_by BIGINT REFERENCES users (id),
	PRIMARY KEY (academic_year, level)
);
INSERT INTO dmc_subsidy_rates (academic_year, level, rate_satang) VALUES
	(0, 'kinder', 170000), (0, 'primary', 190000), (0, 'lower', 350000), (0, 'upper', 380000);
