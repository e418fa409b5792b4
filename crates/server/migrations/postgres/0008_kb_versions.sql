-- Knowledge bases edited in the agent console (PUT /v1/agent/admin/kb-source): every saved
-- version, numbered per site from 1. The newest is the site's knowledge base; one with no
-- text says the site went back to its configured file. The author's name is kept as it was
-- then, so the record outlives the account.
CREATE TABLE kb_versions (
    site TEXT NOT NULL,
    version BIGINT NOT NULL,
    text TEXT,
    agent_id TEXT NOT NULL,
    agent_name TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (site, version)
);
