//! A section of the site, such as K-Pop or Politics; sections nest.

use sea_orm::entity::prelude::*;

/// A row of `category`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "category")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Unique, URL-safe name.
    #[sea_orm(unique)]
    pub slug: String,
    /// The enclosing category; `None` at the top level.
    pub parent_id: Option<i64>,
    /// Order among siblings, ascending.
    pub position: i32,
    /// When the row was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the row last changed (UTC).
    pub updated_at: DateTimeUtc,
}

/// Links of `category`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The parent category.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
    /// The category's names per locale.
    #[sea_orm(has_many = "super::category_translation::Entity")]
    Translation,
}

impl Related<super::category_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
