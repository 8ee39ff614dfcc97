//! The change feed partners sync with: first every article they may see, then every change
//! since, as upserts (the article as it now is) and tombstones (what they must drop), each
//! with a checkpoint to resume from.
//!
//! The order is the change log's: by the id of the writing transaction, then by row id. On
//! PostgreSQL a page reads only rows of transactions older than the oldest one still running
//! (`pg_snapshot_xmin(pg_current_snapshot())`): every such transaction has ended, so no row
//! can ever appear before a checkpoint once a reader has passed it, however transactions
//! interleave and commit. SQLite has one writer at a time, so row ids are in commit order.
//!
//! What a row shows is decided when it is read, from the article as it then is and for the
//! reader's licence: a partner never receives what it may not see, and a tombstone goes out
//! only for an article that has been published (one that never was can be nobody's copy).

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, TimeZone, Utc};
use entity::{article, change_log, Locale};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Order, Query},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::{
    access::Audience,
    articles::{self, Standing},
    outbox, DomainError, DomainResult,
};

/// A place in the change log: just after the row `id` of transaction `txid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The writing transaction's id (0 on SQLite).
    pub txid: i64,
    /// The row id.
    pub id: i64,
}

/// Where a reader of the feed stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Listing every visible article by id, after article `after`; the log follows from `log`,
    /// where the listing started.
    Snapshot {
        /// The last article listed.
        after: i64,
        /// Where the log takes over.
        log: Position,
    },
    /// Reading the log after this position.
    Log(Position),
}

/// A checkpoint: where to resume, and how old that place is (for the retention window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Where.
    pub phase: Phase,
    /// When the reader stood there: the time of the last change read, or of the reading when
    /// it had read everything.
    pub at: DateTime<Utc>,
}

impl Checkpoint {
    /// The checkpoint as the opaque string partners keep.
    pub fn encode(&self) -> String {
        let at = self.at.timestamp_millis();
        URL_SAFE_NO_PAD.encode(match self.phase {
            Phase::Snapshot { after, log } => {
                format!("C1:s:{after}:{}:{}:{at}", log.txid, log.id)
            }
            Phase::Log(p) => format!("C1:l:{}:{}:{at}", p.txid, p.id),
        })
    }

    /// Reads a checkpoint; one that does not decode is an input error on `field`.
    pub fn decode(field: &'static str, text: &str) -> DomainResult<Self> {
        let invalid =
            || DomainError::invalid(field, format!("`{text}` is not a change feed checkpoint"));
        let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let parts: Vec<&str> = raw.split(':').collect();
        let number = |s: &str| s.parse::<i64>().map_err(|_| invalid());
        let (phase, at) = match parts[..] {
            ["C1", "s", after, txid, id, at] => (
                Phase::Snapshot {
                    after: number(after)?,
                    log: Position {
                        txid: number(txid)?,
                        id: number(id)?,
                    },
                },
                at,
            ),
            ["C1", "l", txid, id, at] => (
                Phase::Log(Position {
                    txid: number(txid)?,
                    id: number(id)?,
                }),
                at,
            ),
            _ => return Err(invalid()),
        };
        let at = Utc
            .timestamp_millis_opt(number(at)?)
            .single()
            .ok_or_else(invalid)?;
        Ok(Checkpoint { phase, at })
    }
}

/// Why a partner must drop what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The article was deleted.
    Deleted,
    /// It went back to draft, or was rescheduled for later.
    Unpublished,
    /// It was withdrawn from the site.
    Archived,
    /// One of its translations was withdrawn (the change names the language).
    TranslationWithdrawn,
    /// The partner's licence no longer covers it (category or languages).
    Licence,
    /// Its rights keep partners from carrying it now: not syndicatable, embargoed, expired.
    Rights,
    /// It has a new slug; the change names the old one.
    SlugChanged,
}

/// What a change asks of a partner.
#[derive(Debug, Clone)]
pub enum Action {
    /// Store the article as it now is, replacing any copy.
    Upsert(Arc<article::Model>),
    /// Drop what it holds, for this reason.
    Tombstone(Reason),
}

/// One item of the feed.
#[derive(Debug, Clone)]
pub struct ChangeItem {
    /// What to do.
    pub action: Action,
    /// The article concerned.
    pub article_id: i64,
    /// Its slug; for [`Reason::SlugChanged`], the old one.
    pub slug: String,
    /// The language of a withdrawn translation.
    pub locale: Option<Locale>,
    /// When the change was made.
    pub changed_at: DateTime<Utc>,
    /// Resume here to read what follows this item.
    pub checkpoint: Checkpoint,
}

/// One page of the feed.
#[derive(Debug, Clone)]
pub struct ChangePage {
    /// The items, in feed order.
    pub items: Vec<ChangeItem>,
    /// Resume here to read what follows the page.
    pub checkpoint: Checkpoint,
    /// Whether more may be read now; when false the reader is up to date.
    pub more: bool,
    /// Whether the page is of the first listing of every article, not of the log.
    pub listing: bool,
}

/// How long after its retention window a change row is kept before it is deleted: longer than
/// any write takes between taking its time and committing, so that no row a valid checkpoint
/// still has to reach is ever deleted.
const PRUNE_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// Who reads the feed, and the rows meant for them.
pub struct Reader<'a> {
    /// What they see.
    pub audience: &'a Audience,
    /// Their PARTNER key, whose licence changes have rows of their own.
    pub key_id: Option<i64>,
}

/// Reads a page of at most `first` items after `since` (from the start when `None`).
/// Checkpoints older than `retention` (at `now`) are refused: the changes they would need may
/// be gone.
///
/// What a change shows is decided at a time taken after its row was read, never at `now`: a
/// write that took its time after `now` and committed before the read (a publication at that
/// time, say) must already show as it is, since no later row will show it again.
pub async fn read(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    now: DateTime<Utc>,
    since: Option<Checkpoint>,
    first: u64,
    retention: Duration,
) -> DomainResult<ChangePage> {
    if first == 0 {
        return Err(DomainError::invalid("first", "`first` must be at least 1"));
    }
    let retention = chrono::Duration::from_std(retention).unwrap_or(chrono::Duration::MAX);
    if let Some(since) = since {
        if now.signed_duration_since(since.at) > retention {
            return Err(DomainError::Expired(format!(
                "the checkpoint is from {}, older than the change feed keeps ({} hours): \
                 resync by calling `changes` without `since`, then continue from there",
                since.at.to_rfc3339(),
                retention.num_hours()
            )));
        }
    }
    maintain(db, now, retention).await?;
    let since = match since {
        Some(since) => since,
        None => Checkpoint {
            phase: Phase::Snapshot {
                after: 0,
                log: start_of_log(db).await?,
            },
            at: now,
        },
    };
    match since.phase {
        Phase::Snapshot { after, log } => snapshot(db, reader, after, log, since.at, first).await,
        Phase::Log(position) => log_page(db, reader, position, first).await,
    }
}

/// Releases the changes that have fallen due and deletes rows past the retention window.
async fn maintain(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    retention: chrono::Duration,
) -> DomainResult<()> {
    outbox::release_due(db, now).await?;
    if let Some(cutoff) = now
        .checked_sub_signed(retention)
        .and_then(|t| t.checked_sub_signed(PRUNE_GRACE))
    {
        // Looked for first: on SQLite a delete takes the write lock even when it finds nothing.
        let old = change_log::Entity::find()
            .filter(change_log::Column::RecordedAt.lt(cutoff))
            .one(db)
            .await?;
        if old.is_some() {
            change_log::Entity::delete_many()
                .filter(change_log::Column::RecordedAt.lt(cutoff))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// The position before every row that a listing started now may not show: on PostgreSQL,
/// every row of a transaction still running or yet to come; on SQLite, every row yet to come.
async fn start_of_log(db: &DatabaseConnection) -> DomainResult<Position> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1",
        _ => "SELECT COALESCE(MAX(id), 0) FROM change_log",
    };
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| DomainError::Database(sea_orm::DbErr::RecordNotFound(sql.into())))?;
    let value: i64 = row.try_get_by_index(0)?;
    Ok(match backend {
        DbBackend::Postgres => Position {
            txid: value,
            id: i64::MAX,
        },
        _ => Position { txid: 0, id: value },
    })
}

/// A page of the listing of every article the reader sees, by id.
async fn snapshot(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    after: i64,
    log: Position,
    at: DateTime<Utc>,
    first: u64,
) -> DomainResult<ChangePage> {
    let audience = reader.audience.as_reader();
    // Later than the reading of `log`: what committed before it shows here.
    let now = Utc::now();
    let rows = article::Entity::find()
        .filter(articles::visible_to(&audience, now))
        .filter(article::Column::Id.gt(after))
        .order_by_asc(article::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    let items: Vec<ChangeItem> = rows
        .into_iter()
        .take(first as usize)
        .map(|row| ChangeItem {
            article_id: row.id,
            slug: row.slug.clone(),
            locale: None,
            changed_at: row.updated_at,
            checkpoint: Checkpoint {
                phase: Phase::Snapshot { after: row.id, log },
                at,
            },
            action: Action::Upsert(Arc::new(row)),
        })
        .collect();
    let checkpoint = match (more, items.last()) {
        (true, Some(last)) => last.checkpoint,
        // The listing is done: the log follows from where the listing began.
        _ => Checkpoint {
            phase: Phase::Log(log),
            at,
        },
    };
    // The log may hold changes made during the listing: the reader goes on.
    Ok(ChangePage {
        items,
        checkpoint,
        more: true,
        listing: true,
    })
}

/// A page of the log after `position`.
async fn log_page(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    position: Position,
    first: u64,
) -> DomainResult<ChangePage> {
    let backend = db.get_database_backend();
    let column = |c: change_log::Column| Expr::col((change_log::Entity, c));
    let mut statement = Query::select()
        .columns([
            change_log::Column::Id,
            change_log::Column::Txid,
            change_log::Column::ArticleId,
            change_log::Column::ApiKeyId,
            change_log::Column::Kind,
            change_log::Column::Locale,
            change_log::Column::OldSlug,
            change_log::Column::RecordedAt,
        ])
        .from(change_log::Entity)
        .and_where(
            Expr::tuple([
                column(change_log::Column::Txid),
                column(change_log::Column::Id),
            ])
            .gt(Expr::tuple([
                Expr::val(position.txid),
                Expr::val(position.id),
            ])),
        )
        .order_by(change_log::Column::Txid, Order::Asc)
        .order_by(change_log::Column::Id, Order::Asc)
        .limit(first + 1)
        .to_owned();
    if backend == DbBackend::Postgres {
        // Only rows of transactions that have all ended: none can appear before them later.
        statement.and_where(column(change_log::Column::Txid).lt(Expr::cust(
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        )));
    }
    statement.and_where(match reader.key_id {
        Some(key) => column(change_log::Column::ApiKeyId)
            .is_null()
            .or(column(change_log::Column::ApiKeyId).eq(key)),
        None => column(change_log::Column::ApiKeyId).is_null(),
    });
    let mut rows: Vec<change_log::Model> = change_log::Entity::find()
        .from_raw_sql(backend.build(&statement))
        .all(db)
        .await?;
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);

    // Later than every write whose row was read.
    let now = Utc::now();
    let items = shown(db, reader, now, &rows).await?;
    let checkpoint = match rows.last() {
        Some(last) if more => Checkpoint {
            phase: Phase::Log(Position {
                txid: last.txid,
                id: last.id,
            }),
            at: last.recorded_at,
        },
        // Up to date: the checkpoint is as young as the reading, so a quiet feed never ages.
        Some(last) => Checkpoint {
            phase: Phase::Log(Position {
                txid: last.txid,
                id: last.id,
            }),
            at: now,
        },
        None => Checkpoint {
            phase: Phase::Log(position),
            at: now,
        },
    };
    Ok(ChangePage {
        items,
        checkpoint,
        more,
        listing: false,
    })
}

/// What the reader is shown of these log rows, in their order. A row for the whole article
/// that a later row of the page repeats shows nothing: the later one shows the article as it
/// now is.
async fn shown(
    db: &DatabaseConnection,
    reader: &Reader<'_>,
    now: DateTime<Utc>,
    rows: &[change_log::Model],
) -> DomainResult<Vec<ChangeItem>> {
    let whole =
        |row: &change_log::Model| row.kind == outbox::ARTICLE || row.kind == outbox::LICENCE;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.article_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let audience = reader.audience.as_reader();
    let all: HashMap<i64, article::Model> = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let visible: HashSet<i64> = articles::visible_by_ids(db, &audience, now, &ids)
        .await?
        .into_keys()
        .collect();
    let rights = articles::rights_of(db, &ids).await?;

    // An article's row stands in for its earlier rows of the page; a licence row only for
    // earlier licence rows, since it shows no tombstone an article row would.
    let mut last_whole: HashMap<i64, usize> = HashMap::new();
    let mut last_article: HashMap<i64, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if whole(row) {
            last_whole.insert(row.article_id, i);
        }
        if row.kind == outbox::ARTICLE {
            last_article.insert(row.article_id, i);
        }
    }
    let mut items = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(article) = all.get(&row.article_id) else {
            continue;
        };
        let is_visible = visible.contains(&article.id);
        let ever_out = rights
            .get(&article.id)
            .and_then(|r| r.first_published_at)
            .is_some_and(|at| at <= now);
        let (action, slug, locale) = if whole(row) {
            let last = if row.kind == outbox::ARTICLE {
                &last_article
            } else {
                &last_whole
            };
            if last.get(&row.article_id).is_some_and(|last| *last > i) {
                continue;
            }
            if is_visible {
                (
                    Action::Upsert(Arc::new(article.clone())),
                    article.slug.clone(),
                    None,
                )
            } else if ever_out
                && (row.kind == outbox::ARTICLE
                    || hidden_because(article, &rights, now) == Reason::Licence)
            {
                // A licence change only ever hides what the licence covered: anything hidden
                // for another reason had its tombstone from the article's own change.
                let reason = hidden_because(article, &rights, now);
                (Action::Tombstone(reason), article.slug.clone(), None)
            } else {
                continue;
            }
        } else if row.kind == outbox::TRANSLATION {
            let superseded = last_whole
                .get(&row.article_id)
                .is_some_and(|last| *last > i);
            match row.locale {
                Some(locale) if is_visible && audience.reads_locale(locale) => (
                    Action::Tombstone(Reason::TranslationWithdrawn),
                    article.slug.clone(),
                    Some(locale),
                ),
                // Its last licensed text gone, the whole article goes.
                Some(_) if !is_visible && ever_out && !superseded => (
                    Action::Tombstone(hidden_because(article, &rights, now)),
                    article.slug.clone(),
                    None,
                ),
                _ => continue,
            }
        } else if row.kind == outbox::SLUG {
            match &row.old_slug {
                Some(old) if is_visible && *old != article.slug => {
                    (Action::Tombstone(Reason::SlugChanged), old.clone(), None)
                }
                _ => continue,
            }
        } else {
            continue;
        };
        items.push(ChangeItem {
            action,
            article_id: article.id,
            slug,
            locale,
            changed_at: row.recorded_at,
            checkpoint: Checkpoint {
                phase: Phase::Log(Position {
                    txid: row.txid,
                    id: row.id,
                }),
                at: row.recorded_at,
            },
        });
    }
    Ok(items)
}

/// Why an article that has been out is hidden now from a reader who does not see it.
fn hidden_because(
    article: &article::Model,
    rights: &HashMap<i64, entity::article_syndication::Model>,
    now: DateTime<Utc>,
) -> Reason {
    if article.deleted_at.is_some() {
        return Reason::Deleted;
    }
    match articles::standing(article, now) {
        Standing::Draft | Standing::Scheduled => Reason::Unpublished,
        Standing::Archived => Reason::Archived,
        Standing::Published => {
            let carriable = rights.get(&article.id).is_none_or(|r| {
                articles::carriable(r.syndicatable, r.embargo_until, r.expires_at, now)
            });
            if carriable {
                Reason::Licence
            } else {
                Reason::Rights
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_round_trip_and_refuse_garbage() {
        let at = Utc.timestamp_millis_opt(1_796_000_000_123).unwrap();
        for phase in [
            Phase::Snapshot {
                after: 42,
                log: Position {
                    txid: 7,
                    id: i64::MAX,
                },
            },
            Phase::Log(Position { txid: 0, id: 99 }),
        ] {
            let checkpoint = Checkpoint { phase, at };
            assert_eq!(
                Checkpoint::decode("since", &checkpoint.encode()).unwrap(),
                checkpoint
            );
        }
        for garbage in [
            "",
            "nope",
            &URL_SAFE_NO_PAD.encode("C1:l:1:2"),
            &URL_SAFE_NO_PAD.encode("C1:x:1:2:3"),
        ] {
            assert!(Checkpoint::decode("since", garbage).is_err(), "{garbage}");
        }
    }
}
