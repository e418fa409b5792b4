-- Agents' notes on conversations, for each other and for later. Kept apart from the
-- messages so that nothing that reads a conversation for the shopper can reach them.
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX notes_conversation ON notes (conversation_id, created_at);
