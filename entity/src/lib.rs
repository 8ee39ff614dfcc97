//! SeaORM entities of newswire: one module per table, plus the active enums they share.
//!
//! This crate knows the database and nothing else: no GraphQL, no HTTP.

pub mod api_key;
pub mod article;
pub mod article_like;
pub mod article_syndication;
pub mod article_tag;
pub mod article_translation;
pub mod category;
pub mod category_translation;
pub mod change_due;
pub mod change_log;
pub mod enums;
pub mod licence_category;
pub mod licence_locale;
pub mod media;
pub mod media_text;
pub mod tag;
pub mod tag_name;

pub use enums::{ApiRole, ArticleStatus, Locale, MediaKind, MediaRole, TagKind, VideoProvider};
pub use sea_orm;
