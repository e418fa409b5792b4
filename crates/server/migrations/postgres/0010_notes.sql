-- Agents' notes on conversations, for each other and for later. Kept apart from the
-- messages so that nothing that reads a conversation for the shopper can reach them. `seq`
-- orders them (whatever the clocks of the processes that stored them); a retry under the
-- same client id (each agent's own) is stored once.
CREATE TABLE notes (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    client_id TEXT NOT NULL,
    agent_id TEXT NOT NULL REFERENCES agents (id),
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (conversation_id, agent_id, client_id)
);
