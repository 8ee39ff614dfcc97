//! Tags with their names, kept for all requests of the process.
//!
//! A page of articles names each article's tags, and a few hundred tags serve thousands of
//! articles. With the directory, a page reads only which tags its articles carry; the tags
//! themselves come from here, and those not here yet are read in one statement and kept.
//! Every tag write counts as an article write in [`Changes`], here and (through the signals
//! of PostgreSQL) on every other instance, and a tag kept before the last article write is
//! read again; so a renamed tag shows at once. The one exception is a replica that lags: a
//! tag read there may be older than the write, and is kept until its time to live ends.

use std::{collections::HashMap, time::Duration};

use super::{
    changes::{Change, Changes},
    tags::{self, TagView},
    DomainResult,
};
use crate::db::reads::ReadAll;

/// How many tags are kept.
const CAPACITY: u64 = 100_000;

/// The kept tags; clones share them.
#[derive(Clone)]
pub struct TagDirectory {
    changes: Changes,
    /// Each tag by id, with the article generation it was read in.
    kept: Option<moka::sync::Cache<i64, (u64, TagView)>>,
}

impl TagDirectory {
    /// A directory that keeps a tag for `ttl` at most and follows the writes recorded in
    /// `changes`; with a zero `ttl` it keeps nothing and every page reads its tags whole.
    pub fn new(ttl: Duration, changes: Changes) -> TagDirectory {
        let kept = (!ttl.is_zero()).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build()
        });
        TagDirectory { changes, kept }
    }

    /// The tags of each of these articles with their names, in the editor's order, by article
    /// id: one statement when every tag they carry is kept, two otherwise.
    pub async fn of_articles(
        &self,
        db: &impl ReadAll,
        article_ids: &[i64],
    ) -> DomainResult<HashMap<i64, Vec<TagView>>> {
        let Some(kept) = &self.kept else {
            return tags::of_articles(db, article_ids).await;
        };
        // Taken before anything is read: a tag read across a write is kept under the
        // generation before it, and so read again.
        let generation = self.changes.of(&[Change::Articles]);
        let links = tags::links_of(db, article_ids).await?;
        let mut views: HashMap<i64, TagView> = HashMap::new();
        let mut missing: Vec<i64> = Vec::new();
        for (_, tag) in &links {
            if views.contains_key(tag) || missing.contains(tag) {
                continue;
            }
            match kept.get(tag) {
                Some((at, view)) if at == generation => {
                    views.insert(*tag, view);
                }
                _ => missing.push(*tag),
            }
        }
        for (id, view) in tags::named(db, &missing).await? {
            kept.insert(id, (generation, view.clone()));
            views.insert(id, view);
        }
        Ok(tags::linked(&links, &views))
    }
}
