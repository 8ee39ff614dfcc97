//! The `changes` root field: the change feed partners sync with (see
//! [`crate::domain::change_feed`]).

use std::time::Duration;

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::Utc;
use entity::article;

use super::{
    article::Article,
    connection::PageInfo,
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    prefetch::{self, Known},
    scalars::{utc, DateTime},
};
use crate::domain::{
    access::Audience,
    change_feed::{self, Action, ChangeItem, Checkpoint, Reader, Reason},
    page, DomainError,
};

/// Page size of `changes` when `first` is not given.
const DEFAULT_CHANGES: i32 = 100;

/// What a change asks of a partner.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Store `article` as it now is, replacing any copy of the same `articleId`.
    Upsert,
    /// Drop what `reason` names: the article, or one translation of it.
    Tombstone,
}

/// Why a partner must drop what it holds.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TombstoneReason {
    /// The article was deleted.
    Deleted,
    /// It went back to draft, or was rescheduled for later.
    Unpublished,
    /// It was withdrawn from the site.
    Archived,
    /// Its translation in `locale` was withdrawn; the rest of the article stays.
    TranslationWithdrawn,
    /// Your licence no longer covers it (its category or its languages).
    Licence,
    /// Its rights keep partners from carrying it now: not syndicatable, embargoed, expired.
    Rights,
    /// It has a new slug; `slug` is the old one (the article itself stays, under its id).
    SlugChanged,
}

impl From<Reason> for TombstoneReason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::Deleted => TombstoneReason::Deleted,
            Reason::Unpublished => TombstoneReason::Unpublished,
            Reason::Archived => TombstoneReason::Archived,
            Reason::TranslationWithdrawn => TombstoneReason::TranslationWithdrawn,
            Reason::Licence => TombstoneReason::Licence,
            Reason::Rights => TombstoneReason::Rights,
            Reason::SlugChanged => TombstoneReason::SlugChanged,
        }
    }
}

/// One change of the feed.
pub struct Change {
    item: ChangeItem,
    locales: Preferences,
}

/// One change of the feed: an upsert or a tombstone, with its cursor.
#[Object]
impl Change {
    /// Resume here (as `since`) to read what follows this change.
    async fn cursor(&self) -> String {
        self.item.checkpoint.encode()
    }

    /// Upsert or tombstone.
    async fn kind(&self) -> ChangeKind {
        match self.item.action {
            Action::Upsert(_) => ChangeKind::Upsert,
            Action::Tombstone(_) => ChangeKind::Tombstone,
        }
    }

    /// The global id of the article concerned: the key of a partner's copy.
    async fn article_id(&self) -> ID {
        ids::encode(Kind::Article, self.item.article_id)
    }

    /// The article's slug; for SLUG_CHANGED, the slug it no longer has.
    async fn slug(&self) -> &str {
        &self.item.slug
    }

    /// Why to drop it, for a tombstone.
    async fn reason(&self) -> Option<TombstoneReason> {
        match self.item.action {
            Action::Tombstone(reason) => Some(reason.into()),
            Action::Upsert(_) => None,
        }
    }

    /// The language of a withdrawn translation.
    async fn locale(&self) -> Option<Locale> {
        self.item.locale.map(Into::into)
    }

    /// When the change was made (UTC); for the first listing, when the article last changed.
    async fn changed_at(&self) -> DateTime {
        utc(self.item.changed_at)
    }

    /// The article as it now is, for an upsert: its translations, media and tags as the
    /// partner's licence shows them.
    async fn article(&self) -> Option<Article> {
        match &self.item.action {
            Action::Upsert(row) => Some(Article::new(row.clone(), self.locales.clone())),
            Action::Tombstone(_) => None,
        }
    }
}

/// A change and its cursor.
#[derive(SimpleObject)]
pub struct ChangeEdge {
    /// Resume here (as `since`) to read what follows this change.
    pub cursor: String,
    /// The change.
    pub node: Change,
}

/// A page of the change feed.
pub struct ChangeConnection {
    changes: Vec<ChangeItem>,
    checkpoint: Checkpoint,
    more: bool,
    listing: bool,
    locales: Preferences,
}

/// A page of the change feed, with the checkpoint to resume from.
#[Object]
impl ChangeConnection {
    /// The changes of the page with their cursors.
    async fn edges(&self) -> Vec<ChangeEdge> {
        self.changes
            .iter()
            .map(|item| ChangeEdge {
                cursor: item.checkpoint.encode(),
                node: Change {
                    item: item.clone(),
                    locales: self.locales.clone(),
                },
            })
            .collect()
    }

    /// The changes of the page.
    async fn nodes(&self) -> Vec<Change> {
        self.changes
            .iter()
            .map(|item| Change {
                item: item.clone(),
                locales: self.locales.clone(),
            })
            .collect()
    }

    /// Where to resume: pass it as `since` next time, even when the page is empty. Keep it
    /// once you have stored the page.
    async fn checkpoint(&self) -> String {
        self.checkpoint.encode()
    }

    /// Whether more can be read right away; when false you are up to date (poll again later
    /// from `checkpoint`). A page may be empty and still have more.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.more,
            has_previous_page: false,
            start_cursor: self.changes.first().map(|c| c.checkpoint.encode()),
            end_cursor: Some(self.checkpoint.encode()),
        }
    }

    /// Whether the page belongs to the first listing of every article you may carry, which a
    /// sync without `since` starts with.
    async fn listing(&self) -> bool {
        self.listing
    }
}

/// Root field of the change feed.
#[derive(Default)]
pub struct ChangesQuery;

#[Object]
impl ChangesQuery {
    /// Everything that changed since a checkpoint, in one stable order: upserts (the article
    /// as it now is) and tombstones (what to drop), for partners keeping a copy of what they
    /// license. Without `since`, the feed first lists every article you may carry, then goes
    /// on with the changes made since that listing began. Needs an API key; editors and admins
    /// read it as readers see the site.
    #[graphql(cache_control(private))]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A checkpoint from an earlier page (`checkpoint` or a cursor); null: start over."
        )]
        since: Option<String>,
        #[graphql(
            desc = "How many changes at most (1 to 100; null: 100).",
            default_with = "Some(DEFAULT_CHANGES)"
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Languages wanted for the served text of upserted articles, first preferred."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<ChangeConnection> {
        let Some(principal) = context::principal(ctx)? else {
            return Err(DomainError::Unauthenticated(
                "the change feed is for partners: send an API key as `Authorization: Bearer <key>`"
                    .into(),
            ))
            .gql();
        };
        let first = page::page_size("first", first.unwrap_or(DEFAULT_CHANGES)).gql()?;
        let since = since
            .as_deref()
            .map(|text| Checkpoint::decode("since", text))
            .transpose()
            .gql()?;
        let audience = Audience::of(Some(principal));
        let reader = Reader {
            audience: &audience,
            key_id: audience.licence().map(|_| principal.key_id),
        };
        let retention = Duration::from_secs(context::config(ctx)?.changes_retention_hours * 3600);
        let page = change_feed::read(
            context::db(ctx)?,
            &reader,
            Utc::now(),
            since,
            first,
            retention,
        )
        .await
        .gql()?;
        let rows: Vec<&article::Model> = page
            .items
            .iter()
            .filter_map(|item| match &item.action {
                Action::Upsert(row) => Some(&**row),
                Action::Tombstone(_) => None,
            })
            .collect();
        let look = ctx.look_ahead();
        let selections = [
            look.field("nodes").field("article"),
            look.field("edges").field("node").field("article"),
        ];
        prefetch::articles(ctx, &selections, &rows, Known::default()).await?;
        Ok(ChangeConnection {
            changes: page.items,
            checkpoint: page.checkpoint,
            more: page.more,
            listing: page.listing,
            locales: preferences(ctx, locales)?,
        })
    }
}
