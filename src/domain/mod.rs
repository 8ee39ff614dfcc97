//! The news domain: plain functions over the database, with no knowledge of GraphQL or HTTP.
//!
//! Every function takes the database handle and the current time where it needs them, so that
//! visibility ("published, not in the future, not deleted") is decided in one place.

pub mod access;
pub mod api_keys;
pub mod articles;
pub mod categories;
pub mod category_directory;
pub mod change_feed;
pub mod changes;
pub mod columns;
pub mod cursor;
pub mod editorial;
pub mod error;
pub mod events;
pub mod licences;
pub mod likes;
pub mod locale;
pub mod media;
pub mod outbox;
pub mod page;
pub mod rankings;
pub mod related;
pub mod search;
pub mod tag_directory;
pub mod tags;
pub mod translations;
pub mod validate;

pub use error::{DomainError, DomainResult};
