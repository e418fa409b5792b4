-- The history of a site's closed conversations, newest first (GET /v1/agent/history).
CREATE INDEX conversations_closed ON conversations (site, closed_at);
