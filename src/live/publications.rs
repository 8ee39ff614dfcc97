//! The one watcher of publications per instance: it announces every article that comes out,
//! whether an editor published it now or its scheduled time came, with no job per subscriber.
//!
//! It looks at the articles that came out since it last looked whenever an article changes
//! (here, or on another instance), when the next scheduled publication is due, and when its
//! listener is back after an outage. An article counts once for each time it came out.
//! Without subscribers it does not look at all.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{article, ArticleStatus};
use sea_orm::{
    sea_query::{Expr, Func},
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Live;
use crate::domain::{
    changes::Changes,
    events::{Event, Publication},
};

/// How far before its last look the watcher looks again: a publication commits a moment
/// after the time it records, and the clocks of instances differ a little.
const SLACK: Duration = Duration::seconds(30);

/// The longest sleep of the watcher with nothing due: a safety net for a signal lost while
/// its listener still thought itself connected.
const IDLE: std::time::Duration = std::time::Duration::from_secs(60);

/// How many publications one look announces at most; the next look goes on from there.
const BATCH: u64 = 500;

/// Starts the watcher of publications of `db`.
pub fn start(db: &DatabaseConnection, changes: &Changes, live: &Live) {
    tokio::spawn(watch(db.clone(), changes.clone(), live.clone()));
}

async fn watch(db: DatabaseConnection, changes: Changes, live: Live) {
    let mut since = Utc::now();
    let mut announced: HashMap<i64, DateTime<Utc>> = HashMap::new();
    loop {
        let now = Utc::now();
        let mut next = None;
        if live.followed() {
            match look(&db, since - SLACK, now).await {
                Ok((out, due)) => {
                    let full = out.len() as u64 == BATCH;
                    for (article_id, published_at) in out {
                        if announced.insert(article_id, published_at) != Some(published_at) {
                            changes.announce(Event::Published(Publication {
                                article_id,
                                published_at,
                            }));
                        }
                        if full {
                            // The next look starts past this batch: past its slack too.
                            since = since.max(published_at + SLACK);
                        }
                    }
                    if !full {
                        since = now;
                    }
                    announced.retain(|_, at| *at > since - SLACK - SLACK);
                    next = if full { Some(now) } else { due };
                }
                Err(error) => {
                    tracing::warn!(%error, "publications could not be looked at");
                    next = Some(now + Duration::seconds(1));
                }
            }
        } else {
            since = now;
            announced.clear();
        }
        let sleep = next
            .map(|at| (at - Utc::now()).to_std().unwrap_or_default().min(IDLE))
            .unwrap_or(IDLE);
        tokio::select! {
            () = changes.article_changed() => {}
            () = live.first_follower() => {}
            () = tokio::time::sleep(sleep) => {}
        }
    }
}

/// The articles that came out after `from` and by `now`, oldest first, and when the next
/// scheduled one is due.
async fn look(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(Vec<(i64, DateTime<Utc>)>, Option<DateTime<Utc>>), DbErr> {
    let published = || {
        article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Published))
            .filter(article::Column::DeletedAt.is_null())
    };
    let out = published()
        .select_only()
        .columns([article::Column::Id, article::Column::PublishedAt])
        .filter(article::Column::PublishedAt.gt(from))
        .filter(article::Column::PublishedAt.lte(now))
        .order_by_asc(article::Column::PublishedAt)
        .order_by_asc(article::Column::Id)
        .limit(BATCH)
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?;
    let due = published()
        .select_only()
        .expr(Func::min(Expr::col(article::Column::PublishedAt)))
        .filter(article::Column::PublishedAt.gt(now))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten();
    Ok((out, due))
}
