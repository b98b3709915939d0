-- Issue 10.14: a reference code keeps its submission second and takes a
-- sequence after it when the second is taken (src/oss/refcode.c), so codes
-- are 16, 17 or 18 digits. SQLite cannot alter a CHECK constraint; its
-- documented way for a change that leaves the stored rows valid (a looser
-- CHECK) is to edit the table's SQL in the schema (sqlite.org/lang_altertable
-- .html, "making other kinds of table schema changes"). The table created
-- and dropped after it bumps the schema version, so every open connection
-- re-reads the schema.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (length(code) = 16)', 'CHECK (length(code) BETWEEN 16 AND 18)')
WHERE type = 'table' AND name = 'oss_requests';
PRAGMA writable_schema = RESET;
CREATE TABLE oss_code_seq_bump (x INTEGER);
DROP TABLE oss_code_seq_bump;
