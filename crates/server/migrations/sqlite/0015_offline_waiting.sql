-- Every agent's console asks for the messages still waiting for an answer every minute (the
-- oldest first, a page of them, and how many in all): an index of those alone.
CREATE INDEX offline_messages_waiting ON offline_messages (site, created_at)
    WHERE handled_at IS NULL;
