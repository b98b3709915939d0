-- The data calendar (X-7) asks, for every school of an area at once,
-- whether the year's roster has decided on it (src/acc/deadlines.c): a
-- school's decisions in one roster, found through this index instead of
-- walking all the roster's decisions for each school.
CREATE INDEX roster_decisions_school ON roster_decisions (roster_id, school_id);
