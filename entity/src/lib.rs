//! SeaORM entities of newswire: one module per table, plus the active enums they share.
//!
//! This crate knows the database and nothing else: no GraphQL, no HTTP.

pub mod api_key;
pub mod article;
pub mod article_like;
pub mod article_translation;
pub mod category;
pub mod category_translation;
pub mod enums;

pub use enums::{ApiRole, ArticleStatus, Locale};
pub use sea_orm;
