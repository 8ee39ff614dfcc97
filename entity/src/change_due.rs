//! A change that happens at a time of its own, with no write then: a scheduled publication,
//! the end of an embargo, an expiry. It moves to the change log once its time has come.

use sea_orm::entity::prelude::*;

/// A row of `change_due`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_due")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The article whose visibility changes then.
    pub article_id: i64,
    /// When (UTC).
    pub due_at: DateTimeUtc,
}

/// Links of `change_due`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
