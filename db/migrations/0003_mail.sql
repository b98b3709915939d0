-- The outbox (X-6): every e-mail Khet sends, written in the transaction of
-- the change it reports and sent later by the mail job (src/core/mail.c).
-- status: 'queued' waits for its next try; 'sent' went out at sent_at;
-- 'failed' was given up after the last try (last_error says why); 'dev'
-- was kept for the development mailbox because no SMTP URL is configured.
-- claimed_until is the lease of the instance sending the row: another
-- instance takes a queued row only once it has run out. Times are UTC
-- seconds.
CREATE TABLE outbox (
	id @ID@,
	to_addr TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'dev')),
	attempts BIGINT NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
-- The job's query every two seconds: queued rows that are due, oldest
-- first. Sent mail piles up under other statuses and is never scanned.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
