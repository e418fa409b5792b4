-- Every agent's console asks for a site's inbox every minute: the oldest messages still
-- waiting for an answer (a page of them, and how many in all) and those handled in the last
-- week. An index for each, so neither reads all the site has ever had.
CREATE INDEX offline_messages_waiting ON offline_messages (site, created_at)
    WHERE handled_at IS NULL;
CREATE INDEX offline_messages_handled ON offline_messages (site, handled_at)
    WHERE handled_at IS NOT NULL;
