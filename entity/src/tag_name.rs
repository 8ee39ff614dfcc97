//! A tag's name in one locale: an artist's name differs by script.

use sea_orm::entity::prelude::*;

use crate::Locale;

/// A row of `tag_name`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tag_name")]
pub struct Model {
    /// The tag.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: i64,
    /// The language of the name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: Locale,
    /// The name as readers of that language write it.
    pub name: String,
}

/// Links of `tag_name`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The tag named.
    #[sea_orm(
        belongs_to = "super::tag::Entity",
        from = "Column::TagId",
        to = "super::tag::Column::Id",
        on_delete = "Cascade"
    )]
    Tag,
}

impl Related<super::tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tag.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
