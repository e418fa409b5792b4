-- A handoff sent again (the page reloaded before the answer came) gets the conversation the
-- first one made: the hash of the widget's key for it, unique among a site's open
-- conversations. Older rows have none.
ALTER TABLE conversations ADD COLUMN handoff_key TEXT;
CREATE UNIQUE INDEX conversations_handoff_key ON conversations (site, handoff_key)
    WHERE handoff_key IS NOT NULL AND state IN ('queued', 'with_agent');
