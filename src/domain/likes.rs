//! Likes: one per reader and article, counted exactly, and the rankings built from them.
//!
//! `article.like_count` changes in the same transaction as the like row, and only when that
//! row was really inserted or deleted, so the count stays exact under any concurrency. Each
//! transaction opens with its write, so SQLite takes the write lock first (waiting out its
//! busy timeout) instead of failing to upgrade a read lock.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use entity::{article, article_like};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};

use super::{
    access::Audience,
    articles,
    changes::{Change, Changes, Touched},
    events::{Changed, Event, LikeCount, Signal, CHANNEL},
    DomainError, DomainResult,
};

/// A liker's id: the authenticated principal or the client id; at most this long.
pub const MAX_LIKER_LEN: usize = 128;

/// The article after a like or unlike, and whether the liker now likes it.
#[derive(Debug, Clone)]
pub struct LikeState {
    /// The article, with its new `like_count`.
    pub article: article::Model,
    /// Whether the liker likes it now.
    pub liked: bool,
}

/// `liker` likes the article `article_id`, which `audience` must see; liking twice counts once.
pub async fn like(
    db: &DatabaseConnection,
    changes: &Changes,
    audience: &Audience,
    now: DateTime<Utc>,
    article_id: i64,
    liker: &str,
) -> DomainResult<LikeState> {
    let _recorded = changes
        .recording(Change::Likes)
        .touching(Touched::Article(article_id));
    ensure_visible(db, audience, now, article_id).await?;
    let txn = db.begin().await?;
    let inserted = article_like::Entity::insert(article_like::ActiveModel {
        article_id: Set(article_id),
        liker: Set(liker.to_owned()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([article_like::Column::ArticleId, article_like::Column::Liker])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    if inserted > 0 {
        adjust_count(&txn, article_id, 1).await?;
    }
    let article = reload(&txn, article_id).await?;
    let announced = announcing(&txn, changes, &article, now, inserted > 0).await?;
    txn.commit().await?;
    if let Some(event) = announced {
        changes.announce(event);
    }
    Ok(LikeState {
        article,
        liked: true,
    })
}

/// `liker` takes back a like of the article `article_id`, which `audience` must see;
/// unliking twice is harmless.
pub async fn unlike(
    db: &DatabaseConnection,
    changes: &Changes,
    audience: &Audience,
    now: DateTime<Utc>,
    article_id: i64,
    liker: &str,
) -> DomainResult<LikeState> {
    let _recorded = changes
        .recording(Change::Likes)
        .touching(Touched::Article(article_id));
    ensure_visible(db, audience, now, article_id).await?;
    let txn = db.begin().await?;
    let deleted = article_like::Entity::delete_many()
        .filter(article_like::Column::ArticleId.eq(article_id))
        .filter(article_like::Column::Liker.eq(liker))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted > 0 {
        adjust_count(&txn, article_id, -1).await?;
    }
    let article = reload(&txn, article_id).await?;
    let announced = announcing(&txn, changes, &article, now, deleted > 0).await?;
    txn.commit().await?;
    if let Some(event) = announced {
        changes.announce(event);
    }
    Ok(LikeState {
        article,
        liked: false,
    })
}

/// Fails unless `audience` sees the article as readers do (staff may not like drafts).
async fn ensure_visible(
    db: &DatabaseConnection,
    audience: &Audience,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<()> {
    match articles::find(db, &audience.as_reader(), now, id).await? {
        Some(_) => Ok(()),
        None => Err(DomainError::NotFound { what: "article" }),
    }
}

/// The announcement of `article`'s like count, when it `moved`. Where signals leave this
/// instance (PostgreSQL), the count is notified inside `txn`: every instance, this one too,
/// hears it as the transaction commits, in commit order, and announces it then. Otherwise
/// the event is returned, to announce once `txn` has committed; it is numbered now, while
/// the write lock orders the writers.
async fn announcing(
    txn: &DatabaseTransaction,
    changes: &Changes,
    article: &article::Model,
    now: DateTime<Utc>,
    moved: bool,
) -> DomainResult<Option<Event>> {
    if !moved {
        return Ok(None);
    }
    if changes.signals_leave() {
        let signal = Signal {
            origin: changes.origin().to_owned(),
            what: Changed::Like {
                article_id: article.id,
                count: article.like_count,
                at: now,
            },
        };
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), signal.encode().into()],
        ))
        .await?;
        return Ok(None);
    }
    Ok(Some(Event::LikeCount(LikeCount {
        article_id: article.id,
        like_count: article.like_count,
        sequence: changes.next_sequence(),
        at: now,
    })))
}

async fn adjust_count<C: sea_orm::ConnectionTrait>(
    conn: &C,
    article_id: i64,
    delta: i32,
) -> DomainResult<()> {
    article::Entity::update_many()
        .col_expr(
            article::Column::LikeCount,
            Expr::col(article::Column::LikeCount).add(delta),
        )
        .filter(article::Column::Id.eq(article_id))
        .exec(conn)
        .await?;
    Ok(())
}

async fn reload<C: sea_orm::ConnectionTrait>(conn: &C, id: i64) -> DomainResult<article::Model> {
    article::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(DomainError::NotFound { what: "article" })
}

/// Which of these articles `liker` likes.
pub async fn liked_by(
    db: &DatabaseConnection,
    liker: &str,
    article_ids: &[i64],
) -> DomainResult<HashSet<i64>> {
    if article_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<i64> = article_like::Entity::find()
        .select_only()
        .column(article_like::Column::ArticleId)
        .filter(article_like::Column::Liker.eq(liker))
        .filter(article_like::Column::ArticleId.is_in(article_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The span of time a ranking counts likes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LikeWindow {
    /// The last 24 hours.
    Day,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// Since the beginning.
    AllTime,
}

impl LikeWindow {
    fn since(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            LikeWindow::Day => Some(now - Duration::days(1)),
            LikeWindow::Week => Some(now - Duration::days(7)),
            LikeWindow::Month => Some(now - Duration::days(30)),
            LikeWindow::AllTime => None,
        }
    }
}

/// The visible articles with the most likes given within `window`, most first (ties: newer
/// id first), optionally only within these categories.
pub async fn most_liked(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    window: LikeWindow,
    limit: u64,
    category_ids: Option<&[i64]>,
) -> DomainResult<Vec<article::Model>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let in_categories = |ids: &[i64]| article::Column::CategoryId.is_in(ids.iter().copied());
    let Some(since) = window.since(now) else {
        let mut query = article::Entity::find()
            .filter(articles::visible(now))
            .filter(article::Column::LikeCount.gt(0));
        if let Some(ids) = category_ids {
            query = query.filter(in_categories(ids));
        }
        return Ok(query
            .order_by_desc(article::Column::LikeCount)
            .order_by_desc(article::Column::Id)
            .limit(limit)
            .all(db)
            .await?);
    };

    let likes = Expr::col((article_like::Entity, article_like::Column::ArticleId)).count();
    let mut query = article_like::Entity::find()
        .select_only()
        .column(article_like::Column::ArticleId)
        .inner_join(article::Entity)
        .filter(articles::visible(now))
        .filter(article_like::Column::CreatedAt.gte(since));
    if let Some(ids) = category_ids {
        query = query.filter(in_categories(ids));
    }
    let ranked: Vec<i64> = query
        .group_by(article_like::Column::ArticleId)
        .order_by_desc(likes)
        .order_by_desc(article_like::Column::ArticleId)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = articles::visible_by_ids(db, &Audience::Public, now, &ranked).await?;
    Ok(ranked.iter().filter_map(|id| rows.remove(id)).collect())
}
