-- When an agent first took the conversation (ms since the epoch): how long the shopper
-- waited. `assigned_at` moves on with a transfer; this does not. Older rows: their
-- assignment, the best there is.
ALTER TABLE conversations ADD COLUMN taken_at INTEGER;
UPDATE conversations SET taken_at = assigned_at;
