-- When the shopper's widget was last connected (ms since the epoch): a waiting shopper
-- gone longer than `queue_abandon_secs` leaves the queue. Older rows: when they queued.
ALTER TABLE conversations ADD COLUMN shopper_seen_at BIGINT;
UPDATE conversations SET shopper_seen_at = queued_at;
