//! A tag on an article, in the editor's order.

use sea_orm::entity::prelude::*;

/// A row of `article_tag`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_tag")]
pub struct Model {
    /// The article.
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: i64,
    /// The tag.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: i64,
    /// Place among the article's tags, ascending.
    pub position: i32,
}

/// Links of `article_tag`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The article tagged.
    #[sea_orm(
        belongs_to = "super::article::Entity",
        from = "Column::ArticleId",
        to = "super::article::Column::Id",
        on_delete = "Cascade"
    )]
    Article,
    /// The tag.
    #[sea_orm(
        belongs_to = "super::tag::Entity",
        from = "Column::TagId",
        to = "super::tag::Column::Id",
        on_delete = "Cascade"
    )]
    Tag,
}

impl Related<super::article::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Article.def()
    }
}

impl Related<super::tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tag.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
