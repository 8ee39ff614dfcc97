//! An article's text in one locale.

use sea_orm::entity::prelude::*;

use crate::Locale;

/// A row of `article_translation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_translation")]
pub struct Model {
    /// The article.
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: i64,
    /// The language of this text.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Locale,
    /// Headline.
    pub title: String,
    /// Standfirst: one or two sentences.
    pub summary: Option<String>,
    /// Sanitized HTML.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// When this text was created (UTC).
    pub created_at: DateTimeUtc,
    /// When this text last changed (UTC).
    pub updated_at: DateTimeUtc,
}

/// Links of `article_translation`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The article this text belongs to.
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
