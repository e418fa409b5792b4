-- Conversations handed over to people. `seq` orders arrivals in the queue; `id` is the public,
-- unguessable name. Times are Unix milliseconds.
CREATE TABLE conversations (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX conversations_queue ON conversations (site, state, seq);
