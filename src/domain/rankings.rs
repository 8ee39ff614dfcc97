//! Like rankings, recomputed at most every few seconds.
//!
//! Counting a week of likes is the most expensive read there is, and a ranking a few seconds
//! old is as good as a fresh one. The ranked ids are cached for a short time (concurrent
//! misses share one computation), and follow the article and category writes of this process
//! (an article unpublished or moved, a section restructured): their generation is part of the
//! key. Likes do not move it, or every like would recount the week: the articles themselves
//! are read fresh on every request, so like counts stay live and an article hidden since is
//! never shown, and the order catches up within the time to live.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use entity::article;
use moka::future::Cache;
use sea_orm::DatabaseConnection;

use super::{
    access::Audience,
    articles,
    changes::{Change, Changes},
    likes,
    likes::LikeWindow,
    DomainError, DomainResult,
};

/// What a ranking is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RankingKey {
    generation: u64,
    window: LikeWindow,
    limit: u64,
    categories: Option<Vec<i64>>,
}

/// The ranking cache, shared by all requests of a server.
#[derive(Clone)]
pub struct Rankings {
    cache: Cache<RankingKey, Arc<Vec<i64>>>,
    changes: Changes,
}

impl Rankings {
    /// Rankings kept for `ttl` and following the writes recorded in `changes`; a zero
    /// `ttl` recomputes every time.
    pub fn new(ttl: Duration, changes: Changes) -> Rankings {
        Rankings {
            cache: Cache::builder()
                .max_capacity(1_000)
                .time_to_live(ttl)
                .build(),
            changes,
        }
    }

    /// The visible articles with the most likes in `window`, most first: see
    /// [`likes::most_liked`].
    pub async fn most_liked(
        &self,
        db: &DatabaseConnection,
        audience: &Audience,
        now: DateTime<Utc>,
        window: LikeWindow,
        limit: u64,
        categories: Option<&[i64]>,
    ) -> DomainResult<Vec<article::Model>> {
        let key = RankingKey {
            generation: self.changes.of(&[Change::Articles, Change::Categories]),
            window,
            limit,
            categories: categories.map(<[i64]>::to_vec),
        };
        let ids = self
            .cache
            .try_get_with(key, async {
                let rows = likes::most_liked(db, now, window, limit, categories).await?;
                Ok::<_, DomainError>(Arc::new(rows.iter().map(|r| r.id).collect()))
            })
            .await
            .map_err(DomainError::from_shared)?;
        let mut rows = articles::visible_by_ids(db, &audience.as_reader(), now, &ids).await?;
        Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
    }
}
