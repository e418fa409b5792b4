-- What the assistant did, counted per site, day (UTC, YYYY-MM-DD), kind and entry: no text,
-- no identifiers. `detail` is the handoff reason, or "yes"/"no" for feedback ('' otherwise).
CREATE TABLE assistant_counts (
    site TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    entry TEXT NOT NULL,
    detail TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (site, day, kind, entry, detail)
);
