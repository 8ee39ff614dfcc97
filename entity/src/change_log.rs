//! The change log: one row per change of an article that partners may have to learn of,
//! written in the same transaction as the change. The change feed reads it in order of
//! (`txid`, `id`).

use sea_orm::entity::prelude::*;

/// A row of `change_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    /// Order within a transaction, and across transactions on SQLite's single writer.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// PostgreSQL: the id of the transaction that wrote the row (set by the database); SQLite: 0.
    pub txid: i64,
    /// The article that changed.
    pub article_id: i64,
    /// When set, only this PARTNER key reads the row (a change of its licence).
    pub api_key_id: Option<i64>,
    /// What changed: `article`, `translation` (withdrawn, in `locale`) or `slug` (from `old_slug`).
    pub kind: String,
    /// The language of a withdrawn translation.
    pub locale: Option<crate::Locale>,
    /// The slug an article had before a rename.
    pub old_slug: Option<String>,
    /// When the change was made (UTC).
    pub recorded_at: DateTimeUtc,
}

/// Links of `change_log`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
