-- The same message from the same email, left again while the first is not handled yet (a
-- double click, a retry after a lost answer), is that one: a digest of the email and the
-- message, unique among a site's unhandled messages. Older rows have none.
ALTER TABLE offline_messages ADD COLUMN dedupe TEXT;
CREATE UNIQUE INDEX offline_messages_dedupe ON offline_messages (site, dedupe)
    WHERE handled_at IS NULL AND dedupe IS NOT NULL;
