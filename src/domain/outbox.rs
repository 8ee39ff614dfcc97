//! The change log's writing side: every write that changes what a partner may hold of an
//! article adds its rows here, inside the write's own transaction, so that a change and its
//! log row commit together or not at all. Changes that happen later on their own (a
//! scheduled publication, an embargo's end, an expiry) are kept as due rows and move to the
//! log when their time has come ([`release_due`]).
//!
//! Rows name the article and what kind of change it was; what the change feed shows of it is
//! decided when the feed is read, from the article as it then is.

use chrono::{DateTime, Utc};
use entity::{article, article_syndication, change_due, change_log, Locale};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict, Order, Query},
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::DomainResult;

/// What kind of change a log row records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Anything about the article: text, state, rights, category, media, tags.
    Article,
    /// Its text in this language was withdrawn.
    Translation(Locale),
    /// Its slug changed from this one.
    Slug(String),
    /// The licence of this PARTNER key changed, which may show or hide the article to it.
    Licence(i64),
}

/// The `kind` of a row for the whole article.
pub const ARTICLE: &str = "article";
/// The `kind` of a row for a withdrawn translation.
pub const TRANSLATION: &str = "translation";
/// The `kind` of a row for a renamed slug.
pub const SLUG: &str = "slug";
/// The `kind` of a row for a licence change of one key.
pub const LICENCE: &str = "licence";

/// How many rows one insert statement carries.
const CHUNK: usize = 500;

/// Records `entry` for each of these articles.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    article_ids: &[i64],
    entry: &Entry,
) -> DomainResult<()> {
    let (kind, locale, old_slug, key) = match entry {
        Entry::Article => (ARTICLE, None, None, None),
        Entry::Translation(locale) => (TRANSLATION, Some(*locale), None, None),
        Entry::Slug(slug) => (SLUG, None, Some(slug.clone()), None),
        Entry::Licence(key) => (LICENCE, None, None, Some(*key)),
    };
    for chunk in article_ids.chunks(CHUNK) {
        let rows = chunk.iter().map(|id| change_log::ActiveModel {
            id: NotSet,
            txid: NotSet,
            article_id: Set(*id),
            api_key_id: Set(key),
            kind: Set(kind.to_owned()),
            locale: Set(locale),
            old_slug: Set(old_slug.clone()),
            recorded_at: Set(now),
        });
        change_log::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Records a change of the article at each of these times that lies after `now`.
pub async fn schedule<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    article_id: i64,
    times: &[Option<DateTime<Utc>>],
) -> DomainResult<()> {
    let rows: Vec<change_due::ActiveModel> = times
        .iter()
        .flatten()
        .filter(|at| **at > now)
        .map(|at| change_due::ActiveModel {
            id: NotSet,
            article_id: Set(article_id),
            due_at: Set(*at),
        })
        .collect();
    if !rows.is_empty() {
        change_due::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Notes that the article goes out at `at`: partners may hold it from then on. Both
/// statements write, so that on SQLite the transaction takes the write lock at once (a
/// transaction that reads first may find the database changed under it and fail).
pub async fn published<C: ConnectionTrait>(
    conn: &C,
    article_id: i64,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    article_syndication::Entity::insert(article_syndication::ActiveModel {
        article_id: Set(article_id),
        syndicatable: Set(true),
        credit: Set(None),
        embargo_until: Set(None),
        expires_at: Set(None),
        first_published_at: Set(Some(at)),
    })
    .on_conflict(
        OnConflict::column(article_syndication::Column::ArticleId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    let first = article_syndication::Column::FirstPublishedAt;
    article_syndication::Entity::update_many()
        .col_expr(first, Expr::value(at))
        .filter(article_syndication::Column::ArticleId.eq(article_id))
        .filter(Condition::any().add(first.is_null()).add(first.gt(at)))
        .exec(conn)
        .await?;
    Ok(())
}

/// The articles filed under these categories that have ever gone out: those a change of the
/// categories can concern for a partner.
pub async fn out_in_categories<C: ConnectionTrait>(
    conn: &C,
    category_ids: &[i64],
) -> DomainResult<Vec<i64>> {
    if category_ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = Query::select()
        .column((article::Entity, article::Column::Id))
        .from(article::Entity)
        .inner_join(
            article_syndication::Entity,
            Expr::col((
                article_syndication::Entity,
                article_syndication::Column::ArticleId,
            ))
            .equals((article::Entity, article::Column::Id)),
        )
        .and_where(
            Expr::col((article::Entity, article::Column::CategoryId))
                .is_in(category_ids.iter().copied()),
        )
        .and_where(
            Expr::col((
                article_syndication::Entity,
                article_syndication::Column::FirstPublishedAt,
            ))
            .is_not_null(),
        )
        .order_by((article::Entity, article::Column::Id), Order::Asc)
        .to_owned();
    let backend = conn.get_database_backend();
    let rows = conn.query_all_raw(backend.build(&statement)).await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<i64>(0).map_err(Into::into))
        .collect()
}

/// Moves every due change whose time has come to the log, in one transaction: whoever reads
/// the feed first releases them, so no job has to run. Concurrent releases each move a row
/// at most once, since a row is logged by the transaction that deleted it.
pub async fn release_due(db: &DatabaseConnection, now: DateTime<Utc>) -> DomainResult<()> {
    let due: Vec<change_due::Model> = change_due::Entity::find()
        .filter(change_due::Column::DueAt.lte(now))
        .all(db)
        .await?;
    if due.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let mut released = Vec::with_capacity(due.len());
    for row in &due {
        let deleted = change_due::Entity::delete_by_id(row.id).exec(&txn).await?;
        if deleted.rows_affected == 1 {
            released.push(row.article_id);
        }
    }
    released.sort_unstable();
    released.dedup();
    record(&txn, now, &released, &Entry::Article).await?;
    txn.commit().await?;
    Ok(())
}
