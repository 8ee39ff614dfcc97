//! The GraphQL layer: types, arguments and errors, with thin resolvers over the domain layer.
//!
//! One module per GraphQL type; the roots are merged from per-area parts.

pub mod access;
pub mod article;
pub mod category;
pub mod changes;
pub mod connection;
pub mod context;
pub mod document;
pub mod editorial_articles;
pub mod editorial_categories;
pub mod editorial_media;
pub mod editorial_tags;
pub mod enum_literals;
pub mod error;
pub mod executor;
pub mod field_order;
pub mod ids;
pub mod in_order;
pub mod likes;
pub mod limits;
pub mod loaders;
pub mod locale;
pub mod media;
pub mod node;
pub mod persisted;
pub mod prefetch;
pub mod rate_limit;
pub mod scalars;
pub mod search;
pub mod shape;
pub mod sharing;
pub mod subscription;
pub mod surrogate;
pub mod tag;

use std::sync::Arc;

use async_graphql::{MergedObject, Schema, SchemaBuilder, ValidationMode};

use crate::{
    config::Config,
    db::reads::Reads,
    domain::{
        category_directory::Directory, changes::Changes, rankings::Rankings,
        tag_directory::TagDirectory,
    },
    live::Live,
    metrics::Metrics,
};

use subscription::{LiveSubscription, Lookups, Sightings};

/// All root query fields.
#[derive(MergedObject, Default)]
pub struct Query(
    article::ArticleQuery,
    access::AccessQuery,
    category::CategoryQuery,
    node::NodeQuery,
    locale::LocaleQuery,
    tag::TagQuery,
    changes::ChangesQuery,
    search::SearchQuery,
    rate_limit::RateLimitQuery,
);

/// All root mutation fields.
#[derive(MergedObject, Default)]
pub struct Mutation(
    likes::LikeMutation,
    editorial_articles::ArticleMutation,
    editorial_categories::CategoryMutation,
    editorial_media::MediaMutation,
    editorial_tags::TagMutation,
    access::AccessMutation,
);

/// The newswire schema.
pub type NewswireSchema = Schema<Query, Mutation, LiveSubscription>;

/// The schema before any data is attached. It installs no extensions and keeps no limits of
/// its own: the steps around execution, the depth and cost limits among them, are in
/// [`executor`]. Its own guard against deeply nested fragments stays, well above the depth
/// limit, so that the executor's limit is met first.
pub fn builder(config: &Config) -> SchemaBuilder<Query, Mutation, LiveSubscription> {
    Schema::build(Query::default(), Mutation::default(), LiveSubscription)
        .limit_recursive_depth(config.max_depth.saturating_mul(4).max(64))
}

/// The schema serving requests against `db`, twice over: both copies share their data and
/// differ only in how they check a document.
pub struct Schemas {
    /// Checks every document against every validation rule.
    pub strict: NewswireSchema,
    /// Checks almost nothing: for a request exactly like one the strict copy has already
    /// accepted.
    pub checked: NewswireSchema,
}

/// What the schemas serve from, besides the configuration and the database.
pub struct Served {
    /// Page reads.
    pub reads: Reads,
    /// The write generations their writes move on and their shared caches follow.
    pub changes: Changes,
    /// Subscribers, counted.
    pub live: Live,
    /// The server's metrics.
    pub metrics: Metrics,
}

/// The schemas serving requests against `db`, with page reads, writes, subscribers and
/// metrics as `served` has them.
pub fn schemas(config: Arc<Config>, db: sea_orm::DatabaseConnection, served: Served) -> Schemas {
    let Served {
        reads,
        changes,
        live,
        metrics,
    } = served;
    let sightings = Sightings::default();
    let lookups = Lookups::default();
    let rankings = Rankings::new(
        std::time::Duration::from_secs(config.ranking_ttl_secs),
        changes.clone(),
    );
    let directory = Directory::new(
        std::time::Duration::from_secs(config.category_cache_ttl_secs),
        changes.clone(),
    );
    let tag_directory = TagDirectory::new(
        std::time::Duration::from_secs(config.tag_cache_ttl_secs),
        changes.clone(),
    );
    let build = |mode| {
        builder(&config)
            .validation_mode(mode)
            .data(config.clone())
            .data(db.clone())
            .data(reads.clone())
            .data(rankings.clone())
            .data(directory.clone())
            .data(tag_directory.clone())
            .data(changes.clone())
            .data(live.clone())
            .data(sightings.clone())
            .data(lookups.clone())
            .data(metrics.clone())
            .finish()
    };
    Schemas {
        strict: build(ValidationMode::Strict),
        checked: build(ValidationMode::Fast),
    }
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder(&Config::with_database("sqlite::memory:"))
        .finish()
        .sdl()
}
