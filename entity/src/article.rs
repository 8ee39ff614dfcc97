//! A news article: the language-independent part (the text lives in `article_translation`).

use sea_orm::entity::prelude::*;

use crate::{ArticleStatus, Locale};

/// A row of `article`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique, URL-safe, stable name.
    #[sea_orm(unique)]
    pub slug: String,
    /// The section the article is filed under.
    pub category_id: i64,
    /// The language it was written in; its translation always exists.
    pub original_locale: Locale,
    /// Editorial state.
    pub status: ArticleStatus,
    /// When it is (or was) released to readers (UTC); `None` until first published.
    pub published_at: Option<DateTimeUtc>,
    /// When the row was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the article or any of its translations last changed (UTC).
    pub updated_at: DateTimeUtc,
    /// Set when the article is deleted; deleted articles are kept for syndication.
    pub deleted_at: Option<DateTimeUtc>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Where the story came from, if elsewhere.
    pub source_url: Option<String>,
    /// Number of rows in `article_like` for this article, kept in the same transaction.
    pub like_count: i32,
}

/// Links of `article`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The article's category.
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id"
    )]
    Category,
    /// The article's text per locale.
    #[sea_orm(has_many = "super::article_translation::Entity")]
    Translation,
    /// The likes it received.
    #[sea_orm(has_many = "super::article_like::Entity")]
    Like,
    /// Its tags.
    #[sea_orm(has_many = "super::article_tag::Entity")]
    ArticleTag,
    /// Its photos and videos.
    #[sea_orm(has_many = "super::media::Entity")]
    Media,
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::article_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translation.def()
    }
}

impl Related<super::article_like::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Like.def()
    }
}

impl Related<super::article_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleTag.def()
    }
}

impl Related<super::media::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Media.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
