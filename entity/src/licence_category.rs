//! A category a PARTNER key licenses, with or without its subcategories.

use sea_orm::entity::prelude::*;

/// A row of `licence_category`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "licence_category")]
pub struct Model {
    /// The key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_key_id: i64,
    /// The category.
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
    /// Whether its subcategories, at any depth, are licensed too.
    pub with_subcategories: bool,
}

/// Links of `licence_category`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The key.
    #[sea_orm(
        belongs_to = "super::api_key::Entity",
        from = "Column::ApiKeyId",
        to = "super::api_key::Column::Id",
        on_delete = "Cascade"
    )]
    ApiKey,
    /// The category.
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id",
        on_delete = "Cascade"
    )]
    Category,
}

impl ActiveModelBehavior for ActiveModel {}
