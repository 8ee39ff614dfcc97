//! Database migrations of newswire, one file per migration, applied in order.

use sea_orm_migration::prelude::*;
pub use sea_orm_migration::{self, MigratorTrait};

mod m20261126_000001_create_categories;
mod m20261126_000002_create_articles;
mod m20261126_000003_create_likes;
mod m20261126_000004_create_api_keys;
mod m20261126_000005_index_likes_by_liker;
mod m20261202_000006_create_tags_and_media;
mod m20261202_000007_create_search_index;
mod m20261203_000008_add_search_recency_terms;
mod m20261204_000009_create_syndication;

/// Applies newswire's migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_categories::Migration),
            Box::new(m20261126_000002_create_articles::Migration),
            Box::new(m20261126_000003_create_likes::Migration),
            Box::new(m20261126_000004_create_api_keys::Migration),
            Box::new(m20261126_000005_index_likes_by_liker::Migration),
            Box::new(m20261202_000006_create_tags_and_media::Migration),
            Box::new(m20261202_000007_create_search_index::Migration),
            Box::new(m20261203_000008_add_search_recency_terms::Migration),
            Box::new(m20261204_000009_create_syndication::Migration),
        ]
    }
}
