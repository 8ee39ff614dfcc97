//! A language a PARTNER key licenses.

use sea_orm::entity::prelude::*;

use crate::Locale;

/// A row of `licence_locale`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "licence_locale")]
pub struct Model {
    /// The key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub api_key_id: i64,
    /// The language.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Locale,
}

/// Links of `licence_locale`.
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
}

impl ActiveModelBehavior for ActiveModel {}
