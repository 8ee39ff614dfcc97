//! The subscription root: articles as they come out, and like counts as they move.
//!
//! Each subscriber receives the events of its instance (see [`crate::live`]) and passes on
//! only what its caller may see, as the caller would see it over HTTP: its audience (role and
//! licence) and its filter are checked for every publication, once for all the subscribers
//! that share them.

use std::{sync::Arc, time::Duration};

use async_graphql::{Context, SimpleObject, Subscription, ID};
use chrono::Utc;
use entity::article;
use futures_util::{stream, Stream};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::{
    article::Article,
    context::{self, preferences, Preferences},
    error::DomainResultExt,
    ids::{self, Kind},
    locale::Locale,
    scalars::{self, DateTime},
};
use crate::{
    domain::{
        access::Audience,
        articles::{self, ArticleFilter, ResolvedFilter},
        changes::Changes,
        events::{Event, Publication},
        DomainError,
    },
    live::{Live, Watching},
    metrics::Metrics,
};

/// How long a check of a publication for one audience and filter is kept for the other
/// subscribers that share them.
const SIGHTING_TTL: Duration = Duration::from_secs(60);

/// How many checks of publications are kept.
const SIGHTINGS: u64 = 10_000;

/// How long a lookup of whether an audience may see an article is kept for the other
/// subscribers to its like count.
const LOOKUP_TTL: Duration = Duration::from_secs(1);

/// How many such lookups are kept.
const LOOKUPS: u64 = 10_000;

/// A publication counts for a subscriber that started at most this long after it: the write
/// records its time a moment before it commits.
const STARTED_MARGIN: chrono::Duration = chrono::Duration::seconds(2);

/// What each publication looked like to each audience and filter: checked once, whatever
/// the number of subscribers that share them. Clones share the checks.
#[derive(Clone)]
pub struct Sightings(moka::future::Cache<(i64, i64, String), Option<Arc<article::Model>>>);

impl Default for Sightings {
    fn default() -> Self {
        Sightings(
            moka::future::Cache::builder()
                .max_capacity(SIGHTINGS)
                .time_to_live(SIGHTING_TTL)
                .build(),
        )
    }
}

impl Sightings {
    /// The article of `publication` if `filter` lets its audience see it now.
    async fn check(
        &self,
        db: &DatabaseConnection,
        filter: &ResolvedFilter,
        who: &str,
        publication: Publication,
    ) -> Option<Arc<article::Model>> {
        let key = (
            publication.article_id,
            publication.published_at.timestamp_micros(),
            who.to_owned(),
        );
        let found = self
            .0
            .try_get_with(key, async {
                filter
                    .apply(Utc::now())
                    .filter(article::Column::Id.eq(publication.article_id))
                    .one(db)
                    .await
                    .map(|row| row.map(Arc::new))
            })
            .await;
        match found {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "a publication could not be checked for a subscriber");
                None
            }
        }
    }
}

/// Whether each audience may see each article, for subscriptions to like counts: one lookup
/// per article and audience a second, however many readers subscribe at once. A burst of ten
/// thousand subscriptions to ten articles is ten lookups, not ten thousand subscriptions
/// waiting half-made for the pool. Clones share the lookups.
#[derive(Clone)]
pub struct Lookups(moka::future::Cache<(i64, String), bool>);

impl Default for Lookups {
    fn default() -> Self {
        Lookups(
            moka::future::Cache::builder()
                .max_capacity(LOOKUPS)
                .time_to_live(LOOKUP_TTL)
                .build(),
        )
    }
}

impl Lookups {
    /// Whether `audience` may see the article `id` now.
    async fn visible(
        &self,
        db: &DatabaseConnection,
        audience: &Audience,
        id: i64,
    ) -> Result<bool, DomainError> {
        let find = || async {
            articles::find(db, audience, Utc::now(), id)
                .await
                .map(|row| row.is_some())
        };
        match self
            .0
            .try_get_with((id, format!("{audience:?}")), find())
            .await
        {
            Ok(visible) => Ok(visible),
            // A shared lookup failed: this subscriber's own gives it an error of its own.
            Err(_) => find().await,
        }
    }
}

/// An article's like count after it moved.
#[derive(SimpleObject, Clone)]
pub struct LikeCountChange {
    /// The article's global id.
    pub article_id: ID,
    /// How many readers like it now.
    pub like_count: i32,
    /// When the count moved (UTC).
    pub changed_at: DateTime,
}

/// The subscription root.
#[derive(Default)]
pub struct LiveSubscription;

/// Live updates over `GET /graphql/ws` (graphql-transport-ws): articles as they come out and
/// like counts as they move.
#[Subscription(name = "Subscription")]
impl LiveSubscription {
    /// Every article that comes out from now on, published by an editor or at its scheduled
    /// time, that the caller may see (its role and licence apply, as over HTTP), in the
    /// caller's language or the best fallback. `category` includes its subcategories; an
    /// unknown category or tag is BAD_USER_INPUT.
    async fn article_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only articles in the category with this slug or its subcategories.")]
        category: Option<String>,
        #[graphql(desc = "Only articles carrying the tag with this slug.")] tag: Option<String>,
        #[graphql(desc = "Preferred languages, best first.")] locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<impl Stream<Item = Article>> {
        let db = context::db(ctx)?.clone();
        let audience = context::audience(ctx)?;
        let filter = ArticleFilter {
            category,
            include_subcategories: true,
            tag,
            ..ArticleFilter::default()
        }
        .resolve(&db, context::directory(ctx)?, audience)
        .await
        .gql()?;
        let follower = Follower {
            events: context::data::<Changes>(ctx)?.events(),
            _watching: context::data::<Live>(ctx)?.follow(),
            who: format!("{filter:?}"),
            filter,
            db,
            sightings: context::data::<Sightings>(ctx)?.clone(),
            locales: preferences(ctx, locales)?,
            metrics: context::data::<Metrics>(ctx)?.clone(),
            started: Utc::now(),
        };
        Ok(stream::unfold(follower, |mut follower| async move {
            let article = follower.next().await?;
            Some((article, follower))
        }))
    }

    /// The like count of one article, each time it moves from now on. Counts arrive in the
    /// order they were written; after a lost connection to the database the current count
    /// follows, if it differs from the last one sent. An article the caller may not see is
    /// NOT_FOUND.
    async fn like_count_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] article_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = LikeCountChange>> {
        let id = ids::decode_as("articleId", Kind::Article, &article_id)?;
        let db = context::db(ctx)?.clone();
        let audience = context::audience(ctx)?.as_reader();
        // Listening first: a count written while the article is looked up is not missed.
        let events = context::data::<Changes>(ctx)?.events();
        let lookups = context::data::<Lookups>(ctx)?;
        if !lookups.visible(&db, &audience, id).await.gql()? {
            return Err(DomainError::NotFound { what: "article" }).gql();
        }
        let counter = Counter {
            events,
            _watching: context::data::<Live>(ctx)?.watch(id),
            article_id: id,
            global_id: article_id,
            db,
            last_sequence: 0,
            last_count: None,
            metrics: context::data::<Metrics>(ctx)?.clone(),
        };
        Ok(stream::unfold(counter, |mut counter| async move {
            let change = counter.next().await?;
            Some((change, counter))
        }))
    }
}

/// One subscriber of publications.
struct Follower {
    events: Receiver<Event>,
    _watching: Watching,
    filter: ResolvedFilter,
    who: String,
    db: DatabaseConnection,
    sightings: Sightings,
    locales: Preferences,
    metrics: Metrics,
    started: chrono::DateTime<Utc>,
}

impl Follower {
    /// The next publication this subscriber may see; `None` when the events end.
    async fn next(&mut self) -> Option<Article> {
        loop {
            match self.events.recv().await {
                Ok(Event::Published(publication))
                    if publication.published_at >= self.started - STARTED_MARGIN =>
                {
                    // Boxed: a waiting subscriber holds only the small future of `recv`, not
                    // the database's, which it needs once per publication.
                    let seen = Box::pin(self.sightings.check(
                        &self.db,
                        &self.filter,
                        &self.who,
                        publication,
                    ))
                    .await;
                    if let Some(row) = seen {
                        self.metrics.events_delivered.inc();
                        return Some(Article::new(row, self.locales.clone()));
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a slow subscriber of publications missed events");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// One subscriber of an article's like count.
struct Counter {
    events: Receiver<Event>,
    _watching: Watching,
    article_id: i64,
    global_id: ID,
    db: DatabaseConnection,
    last_sequence: u64,
    /// The count sent last; none before the first.
    last_count: Option<i32>,
    metrics: Metrics,
}

impl Counter {
    /// The next count of the article that differs from the last one sent.
    async fn next(&mut self) -> Option<LikeCountChange> {
        loop {
            let (count, at) = match self.events.recv().await {
                Ok(Event::LikeCount(c))
                    if c.article_id == self.article_id && c.sequence > self.last_sequence =>
                {
                    self.last_sequence = c.sequence;
                    (c.like_count, c.at)
                }
                Ok(_) => continue,
                // Counts went by unseen: the article's count now stands for them.
                // Boxed, as in `Follower::next`: rarely needed, and large.
                Err(RecvError::Lagged(_)) => match Box::pin(self.current()).await {
                    Some(count) => (count, Utc::now()),
                    None => continue,
                },
                Err(RecvError::Closed) => return None,
            };
            if Some(count) != self.last_count {
                self.last_count = Some(count);
                self.metrics.events_delivered.inc();
                return Some(LikeCountChange {
                    article_id: self.global_id.clone(),
                    like_count: count,
                    changed_at: scalars::utc(at),
                });
            }
        }
    }

    async fn current(&self) -> Option<i32> {
        article::Entity::find_by_id(self.article_id)
            .one(&self.db)
            .await
            .ok()
            .flatten()
            .map(|row| row.like_count)
    }
}
