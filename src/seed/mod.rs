//! Content for empty databases: the demo newsroom, and synthetic data at any scale.

pub mod demo;
pub mod synthetic;
pub mod visuals;

use entity::{article, category};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};

use crate::config::SeedMode;

/// Whether the database holds no categories and no articles.
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(category::Entity::find().count(db).await? == 0
        && article::Entity::find().count(db).await? == 0)
}

/// Seeds an empty database as `mode` says; a database with content is left alone.
/// Photos are placed under `site`'s `/media/` path.
pub async fn on_start(db: &DatabaseConnection, mode: SeedMode, site: &str) -> Result<(), DbErr> {
    if mode == SeedMode::Demo && is_empty(db).await? {
        demo::seed(db, site).await?;
    }
    Ok(())
}
