//! What partners need to know of an article beyond what readers see: its syndication rights,
//! and when it first went out. An article without a row has the defaults: syndicatable, no
//! credit, no embargo, no expiry, never published.

use sea_orm::entity::prelude::*;

/// A row of `article_syndication`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_syndication")]
pub struct Model {
    /// The article.
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: i64,
    /// Whether partners may carry it at all.
    pub syndicatable: bool,
    /// The credit partners must print with it.
    pub credit: Option<String>,
    /// Partners may not show it before this time (UTC).
    pub embargo_until: Option<DateTimeUtc>,
    /// Partners may not show it from this time on (UTC).
    pub expires_at: Option<DateTimeUtc>,
    /// When it was first released to readers (UTC); partners may hold a copy from then on.
    pub first_published_at: Option<DateTimeUtc>,
}

/// Links of `article_syndication`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The article.
    #[sea_orm(
        belongs_to = "super::article::Entity",
        from = "Column::ArticleId",
        to = "super::article::Column::Id",
        on_delete = "Cascade"
    )]
    Article,
}

impl Related<super::article::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Article.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
