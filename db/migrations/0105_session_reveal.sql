-- A secret a session is shown once on its next page: the API token just
-- made (acc/api_token.c) answers its POST with 303 and is shown on the GET
-- after it, so a reload makes no second token. The token is kept here,
-- sealed with a key derived from the session's cookie (which only the
-- browser holds; the row has only its hash), until that GET takes it and
-- empties the column; it goes with the session (sign-out, expiry, a role
-- switch). '' = nothing to show.
ALTER TABLE sessions ADD COLUMN reveal TEXT NOT NULL DEFAULT '';
