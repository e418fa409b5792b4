-- The handoff: conversation details, messages with per-conversation sequence numbers,
-- agents, their sessions and sites, offers passed on, and offline messages.

ALTER TABLE conversations ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN reason TEXT NOT NULL DEFAULT 'asked';
-- Higher goes first: 0 normal, 1 sensitive topic, 2 returned to the queue.
ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN context TEXT NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN identity TEXT;
ALTER TABLE conversations ADD COLUMN identity_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN language TEXT;
ALTER TABLE conversations ADD COLUMN agent_id TEXT;
ALTER TABLE conversations ADD COLUMN offered_to TEXT;
ALTER TABLE conversations ADD COLUMN offer_expires_at INTEGER;
ALTER TABLE conversations ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN assigned_at INTEGER;
ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
ALTER TABLE conversations ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN resolution TEXT;
ALTER TABLE conversations ADD COLUMN rating INTEGER;
ALTER TABLE conversations ADD COLUMN rating_comment TEXT;

CREATE INDEX conversations_agent ON conversations (agent_id, state);
CREATE INDEX conversations_offers ON conversations (offered_to);

CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq INTEGER NOT NULL,
    client_id TEXT,
    author TEXT NOT NULL,
    agent_id TEXT,
    text TEXT NOT NULL,
    -- The assistant's confidence in millionths (sqlx's Any driver mistypes NULL floats).
    confidence_ppm INTEGER,
    entry TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, client_id)
);

CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'offline',
    capacity INTEGER NOT NULL DEFAULT 3,
    -- Since when the agent has been waiting for work: routing offers to the longest waiting.
    idle_since INTEGER NOT NULL DEFAULT 0,
    -- Last sign of a live connection; older than the grace period means gone.
    last_seen_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE agent_sites (
    agent_id TEXT NOT NULL REFERENCES agents (id),
    site TEXT NOT NULL,
    PRIMARY KEY (agent_id, site)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Offers an agent declined or let expire, so routing moves on to someone else.
CREATE TABLE passes (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    declined INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
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
    created_at INTEGER NOT NULL,
    handled_at INTEGER,
    handled_by TEXT
);

CREATE INDEX offline_messages_site ON offline_messages (site, created_at);
