//! One dataloader per key kind, created per request; each batch is one query.
//!
//! Loaders call the domain layer and cache for the request only, so a page of fifty
//! articles costs as many statements as a page of five.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{
    article, article_syndication, article_translation, category, category_translation, tag_name,
};
use sea_orm::DatabaseConnection;

use chrono::Utc;

use crate::domain::{
    access::Audience,
    articles, categories, likes,
    media::{self, ArticleMedia},
    related,
    tags::{self, TagView},
    translations::{self, Headline},
    DomainError,
};

/// What a loader fails with: shared, since one failed batch answers many fields.
pub type LoadError = Arc<DomainError>;

/// Categories by id.
pub struct CategoryLoader(pub DatabaseConnection);

impl Loader<i64> for CategoryLoader {
    type Value = Arc<category::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = categories::by_ids(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// Category names in every locale, by category id.
pub struct CategoryNamesLoader(pub DatabaseConnection);

impl Loader<i64> for CategoryNamesLoader {
    type Value = Arc<[category_translation::Model]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = categories::translations_of(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// Subcategories, by parent id.
pub struct CategoryChildrenLoader(pub DatabaseConnection);

impl Loader<i64> for CategoryChildrenLoader {
    type Value = Arc<[category::Model]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = categories::children_of(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// Article translations in every locale the audience reads, whole, by article id.
pub struct TranslationsLoader(pub DatabaseConnection, pub Audience);

impl Loader<i64> for TranslationsLoader {
    type Value = Arc<[article_translation::Model]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = translations::of_articles(&self.0, &self.1, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// The headlines of article translations in every locale the audience reads, by article id.
pub struct HeadlinesLoader(pub DatabaseConnection, pub Audience);

impl Loader<i64> for HeadlinesLoader {
    type Value = Arc<[Headline]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = translations::headlines_of(&self.0, &self.1, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// Whether the request's liker likes an article, by article id.
pub struct LikedLoader {
    /// The database.
    pub db: DatabaseConnection,
    /// The liker asking.
    pub liker: String,
}

impl Loader<i64> for LikedLoader {
    type Value = bool;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, bool>, Self::Error> {
        let liked = likes::liked_by(&self.db, &self.liker, keys).await?;
        Ok(keys.iter().map(|k| (*k, liked.contains(k))).collect())
    }
}

/// The tags of each article, in the editor's order, by article id.
pub struct TagsLoader(pub DatabaseConnection);

impl Loader<i64> for TagsLoader {
    type Value = Arc<[TagView]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = tags::of_articles(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// Tag names in every locale, by tag id.
pub struct TagNamesLoader(pub DatabaseConnection);

impl Loader<i64> for TagNamesLoader {
    type Value = Arc<[tag_name::Model]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = tags::names_of(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// The cover, media list and thumbnails of each article the audience sees, by article id.
pub struct MediaLoader(pub DatabaseConnection, pub Audience);

impl Loader<i64> for MediaLoader {
    type Value = Arc<ArticleMedia>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = media::of_articles(&self.0, &self.1, Utc::now(), keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// The syndication rights of articles that have any set, by article id.
pub struct RightsLoader(pub DatabaseConnection);

impl Loader<i64> for RightsLoader {
    type Value = Arc<article_syndication::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = articles::rights_of(&self.0, keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

/// The visible articles related to each article, best first, by article id.
pub struct RelatedLoader(pub DatabaseConnection, pub Audience);

impl Loader<i64> for RelatedLoader {
    type Value = Arc<[Arc<article::Model>]>;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = related::of_articles(&self.0, &self.1, Utc::now(), keys).await?;
        Ok(rows.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// A request-scoped loader: it caches what it loaded for the rest of the request.
pub type RequestLoader<T> = DataLoader<T, HashMapCache>;

fn loader<T: Send + Sync + 'static>(inner: T, batch_delay: Duration) -> RequestLoader<T> {
    DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default()).delay(batch_delay)
}

/// The loaders of a long-lived request (a subscription), made when a field first needs them:
/// a subscriber of like counts never does, and ten thousand of them hold none.
pub struct Deferred {
    db: DatabaseConnection,
    audience: Audience,
    liker: String,
    batch_delay: Duration,
    loaders: std::sync::OnceLock<Loaders>,
}

impl Deferred {
    /// Loaders as [`Loaders::new`] would make them, once asked for.
    pub fn new(
        db: &DatabaseConnection,
        audience: Audience,
        liker: &str,
        batch_delay: Duration,
    ) -> Self {
        Deferred {
            db: db.clone(),
            audience,
            liker: liker.to_owned(),
            batch_delay,
            loaders: std::sync::OnceLock::new(),
        }
    }

    /// The loaders, made on the first call.
    pub fn get(&self) -> &Loaders {
        self.loaders
            .get_or_init(|| Loaders::new(&self.db, &self.audience, &self.liker, self.batch_delay))
    }
}

/// Every loader of one request.
pub struct Loaders {
    /// Categories by id.
    pub category: RequestLoader<CategoryLoader>,
    /// Category names by category id.
    pub category_names: RequestLoader<CategoryNamesLoader>,
    /// Subcategories by parent id.
    pub category_children: RequestLoader<CategoryChildrenLoader>,
    /// Article translations by article id.
    pub translations: RequestLoader<TranslationsLoader>,
    /// Headlines of article translations by article id.
    pub headlines: RequestLoader<HeadlinesLoader>,
    /// Like state of the request's liker by article id.
    pub liked: RequestLoader<LikedLoader>,
    /// Tags by article id.
    pub tags: RequestLoader<TagsLoader>,
    /// Tag names by tag id.
    pub tag_names: RequestLoader<TagNamesLoader>,
    /// Media by article id.
    pub media: RequestLoader<MediaLoader>,
    /// Related articles by article id.
    pub related: RequestLoader<RelatedLoader>,
    /// Syndication rights by article id.
    pub rights: RequestLoader<RightsLoader>,
}

impl Loaders {
    /// Fresh loaders for one request by `liker`, showing what `audience` sees. Each batch waits
    /// `batch_delay` for more keys to join it before it runs.
    pub fn new(
        db: &DatabaseConnection,
        audience: &Audience,
        liker: &str,
        batch_delay: Duration,
    ) -> Self {
        Loaders {
            category: loader(CategoryLoader(db.clone()), batch_delay),
            category_names: loader(CategoryNamesLoader(db.clone()), batch_delay),
            category_children: loader(CategoryChildrenLoader(db.clone()), batch_delay),
            translations: loader(
                TranslationsLoader(db.clone(), audience.clone()),
                batch_delay,
            ),
            headlines: loader(HeadlinesLoader(db.clone(), audience.clone()), batch_delay),
            liked: loader(
                LikedLoader {
                    db: db.clone(),
                    liker: liker.to_owned(),
                },
                batch_delay,
            ),
            tags: loader(TagsLoader(db.clone()), batch_delay),
            tag_names: loader(TagNamesLoader(db.clone()), batch_delay),
            media: loader(MediaLoader(db.clone(), audience.clone()), batch_delay),
            related: loader(RelatedLoader(db.clone(), audience.clone()), batch_delay),
            rights: loader(RightsLoader(db.clone()), batch_delay),
        }
    }

    /// Forgets everything loaded so far: the request is about to write, and what a later
    /// field of it loads must show the write.
    pub fn forget(&self) {
        self.category.clear::<i64>();
        self.category_names.clear::<i64>();
        self.category_children.clear::<i64>();
        self.translations.clear::<i64>();
        self.headlines.clear::<i64>();
        self.liked.clear::<i64>();
        self.tags.clear::<i64>();
        self.tag_names.clear::<i64>();
        self.media.clear::<i64>();
        self.related.clear::<i64>();
        self.rights.clear::<i64>();
    }
}
