//! The assistant's daily counts per site, kind and entry (see `crate::http::events`).

use sqlx::Row;

use super::{Db, StoreError};

/// One counted thing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountKey {
    pub kind: &'static str,
    pub entry: String,
    pub detail: String,
}

impl Db {
    /// Adds to the site's counts for the day.
    pub async fn add_counts(
        &self,
        site: &str,
        day: &str,
        counts: &[(CountKey, i64)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (key, n) in counts {
            sqlx::query(
                "INSERT INTO assistant_counts (site, day, kind, entry, detail, count) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (site, day, kind, entry, detail) DO UPDATE SET count = assistant_counts.count + excluded.count",
            )
            .bind(site)
            .bind(day)
            .bind(key.kind)
            .bind(&key.entry)
            .bind(&key.detail)
            .bind(n)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The site's counts between two days (inclusive): `(day, kind, entry, detail, count)`.
    pub async fn counts(
        &self,
        site: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, kind, entry, detail, count FROM assistant_counts \
             WHERE site = $1 AND day >= $2 AND day <= $3 ORDER BY day, kind, entry, detail",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("day")?,
                    r.try_get("kind")?,
                    r.try_get("entry")?,
                    r.try_get("detail")?,
                    r.try_get("count")?,
                ))
            })
            .collect()
    }
}
