//! A tag: a person, group, topic, event, organization or place that articles are about.

use sea_orm::entity::prelude::*;

use crate::TagKind;

/// A row of `tag`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tag")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique, URL-safe name, as `ArticleFilter.tag` takes it.
    #[sea_orm(unique)]
    pub slug: String,
    /// What the tag names.
    pub kind: TagKind,
    /// When the row was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the tag or one of its names last changed (UTC).
    pub updated_at: DateTimeUtc,
}

/// Links of `tag`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The tag's names per locale.
    #[sea_orm(has_many = "super::tag_name::Entity")]
    Name,
    /// The articles it is on.
    #[sea_orm(has_many = "super::article_tag::Entity")]
    ArticleTag,
}

impl Related<super::tag_name::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Name.def()
    }
}

impl Related<super::article_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleTag.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
