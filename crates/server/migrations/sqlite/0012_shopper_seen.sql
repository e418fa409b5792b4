-- When the shopper's widget was last connected (ms since the epoch): a waiting shopper
-- gone longer than `queue_abandon_secs` leaves the queue. Older rows: now, so the widgets
-- of shoppers waiting at the upgrade have time to reconnect.
ALTER TABLE conversations ADD COLUMN shopper_seen_at INTEGER;
UPDATE conversations SET shopper_seen_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000;
