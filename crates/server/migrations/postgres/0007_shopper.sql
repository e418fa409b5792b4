-- The merchant-verified shopper of a conversation (the signed identity's id; NULL when unsigned),
-- so agents see a returning shopper's earlier conversations (GET /v1/agent/history?shopper=).
ALTER TABLE conversations ADD COLUMN shopper_id TEXT;
CREATE INDEX conversations_shopper ON conversations (site, shopper_id);
-- Conversations verified before this migration count too.
UPDATE conversations SET shopper_id = identity::json ->> 'id'
WHERE identity_verified = 1 AND identity IS NOT NULL;
