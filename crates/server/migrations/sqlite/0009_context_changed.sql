-- When the shop's page last changed a conversation's context after the handoff (ms since
-- the epoch; NULL while it is the context the shopper handed over with).
ALTER TABLE conversations ADD COLUMN context_changed_at INTEGER;
