-- The ages each grade takes (issue: a learner far too young or too old for
-- the chosen grade was accepted). Age in whole years on the day the record
-- is written. A grade's usual age on the academic year's first day (อ.1 3,
-- ป.1 6, ม.1 12, ม.6 17) less one year is its youngest (a birthday near
-- the start of the year); a kindergarten grade takes up to three years over
-- its usual age, a school grade up to nine (late starters, repeaters; ป.1
-- kept its 15). Outside this a wrong birth date or grade is far more likely
-- than a real case, so dmc_birth_check refuses it naming these ages.
ALTER TABLE dmc_grades ADD COLUMN min_age BIGINT;
UPDATE dmc_grades SET min_age = 2, max_age = 6 WHERE code = 'k1';
UPDATE dmc_grades SET min_age = 3, max_age = 7 WHERE code = 'k2';
UPDATE dmc_grades SET min_age = 4, max_age = 8 WHERE code = 'k3';
UPDATE dmc_grades SET min_age = 5, max_age = 15 WHERE code = 'p1';
UPDATE dmc_grades SET min_age = 6, max_age = 16 WHERE code = 'p2';
UPDATE dmc_grades SET min_age = 7, max_age = 17 WHERE code = 'p3';
UPDATE dmc_grades SET min_age = 8, max_age = 18 WHERE code = 'p4';
UPDATE dmc_grades SET min_age = 9, max_age = 19 WHERE code = 'p5';
UPDATE dmc_grades SET min_age = 10, max_age = 20 WHERE code = 'p6';
UPDATE dmc_grades SET min_age = 11, max_age = 21 WHERE code = 'm1';
UPDATE dmc_grades SET min_age = 12, max_age = 22 WHERE code = 'm2';
UPDATE dmc_grades SET min_age = 13, max_age = 23 WHERE code = 'm3';
UPDATE dmc_grades SET min_age = 14, max_age = 24 WHERE code = 'm4';
UPDATE dmc_grades SET min_age = 15, max_age = 25 WHERE code = 'm5';
UPDATE dmc_grades SET min_age = 16, max_age = 26 WHERE code = 'm6';
