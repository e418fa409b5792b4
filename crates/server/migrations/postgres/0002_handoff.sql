-- The handoff: conversation details, messages with per-conversation sequence numbers,
-- agents, their sessions and sites, offers passed on, and offline messages.

ALTER TABLE conversations ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN reason TEXT NOT NULL DEFAULT 'asked';
-- Higher goes first: 0 normal, 1 sensitive topic, 2 returned to the queue.
ALTER TABLE conversations ADD COLUMN priority BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN identity TEXT;
ALTER TABLE conversations ADD COLUMN identity_verified BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN language TEXT;
ALTER TABLE conversations ADD COLUMN agent_id TEXT;
ALTER TABLE conversations ADD COLUMN offered_to TEXT;
ALTER TABLE conversations ADD COLUMN offer_expires_at BIGINT;
ALTER TABLE conversations ADD COLUMN queued_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assigned_at BIGINT;
ALTER TABLE conversations ADD COLUMN closed_at BIGINT;
ALTER TABLE conversations ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN resolution TEXT;
ALTER TABLE conversations ADD COLUMN rating BIGINT;
ALTER TABLE conversations ADD COLUMN rating_comment TEXT;

CREATE INDEX conversations_agent ON conversations (agent_id, state);
CREATE INDEX conversations_offers ON conversations (offered_to);

CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq BIGINT NOT NULL,
    client_id TEXT,
    author TEXT NOT NULL,
    agent_id TEXT,
    text TEXT NOT NULL,
    -- The assistant's confidence in millionths (sqlx's Any driver mistypes NULL floats).
    confidence_ppm BIGINT,
    entry TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'offline',
    capacity BIGINT NOT NULL DEFAULT 3,
    -- Since when the agent has been waiting for work: routing offers to the longest waiting.
    idle_since BIGINT NOT NULL DEFAULT 0,
    -- Last sign of a live connection; older than the grace period means gone.
    last_seen_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE agent_sites (
    agent_id TEXT NOT NULL REFERENCES agents (id),
    site TEXT NOT NULL,
    PRIMARY KEY (agent_id, site)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Offers an agent declined or let expire, so routing moves on to someone else.
CREATE TABLE passes (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    declined BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, agent_id)
);

CREATE TABLE offline_messages (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT,
    message TEXT NOT NULL,
    transcript TEXT NOT NULL,
    context TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    handled_at BIGINT,
    handled_by TEXT
);

CREATE INDEX offline_messages_site ON offline_messages (site, created_at);
