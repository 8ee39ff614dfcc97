//! Writing content: categories and articles, by editors and admins.
//!
//! Every write checks its input first (each failure names the field at fault), then changes
//! the database in one transaction that opens with a write, so a failure changes nothing and
//! SQLite takes its write lock before anything else. Each change to an article or one of its
//! translations moves the article's `updated_at`, which syndication partners sync on.

pub mod articles;
pub mod categories;
pub mod media;
pub mod tags;

use sea_orm::{DbErr, SqlErr};

use super::DomainError;

/// A database error, with a unique-key violation turned into an input error on `field`.
fn taken(error: DbErr, field: &'static str, value: &str) -> DomainError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::invalid(field, format!("`{value}` is already taken"))
        }
        _ => DomainError::Database(error),
    }
}
