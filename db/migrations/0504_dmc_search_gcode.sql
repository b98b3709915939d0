-- A learner's search words end with its code (src/dmc/learner.c
-- dmc_search_ident); a query's words are lower case, so a G-code there must
-- be too, or PostgreSQL's LIKE (which minds case, unlike SQLite's) never
-- finds the learner by it. The code is the last 13 characters.
UPDATE dmc_learners SET search = substr(search, 1, length(search) - 13) || lower(ident)
WHERE gcode IS NOT NULL AND length(search) >= 13;
