//! One reader's like of one article.

use sea_orm::entity::prelude::*;

/// A row of `article_like`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_like")]
pub struct Model {
    /// The liked article.
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: i64,
    /// Who liked it: a principal or a client id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub liker: String,
    /// When (UTC); windowed rankings count from this.
    pub created_at: DateTimeUtc,
}

/// Links of `article_like`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The liked article.
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
