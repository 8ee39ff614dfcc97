//! A category's name and description in one locale.

use sea_orm::entity::prelude::*;

use crate::Locale;

/// A row of `category_translation`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "category_translation")]
pub struct Model {
    /// The category.
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
    /// The language of this text.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Locale,
    /// Display name.
    pub name: String,
    /// One sentence about the section.
    pub description: Option<String>,
}

/// Links of `category_translation`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The category this text belongs to.
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id",
        on_delete = "Cascade"
    )]
    Category,
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
