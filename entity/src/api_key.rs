//! An API key: who may write, or read as a partner. Only a hash of the secret is stored.

use sea_orm::entity::prelude::*;

use crate::ApiRole;

/// A row of `api_key`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    /// Primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the key is for, such as "Seoul desk CMS".
    pub name: String,
    /// What the key may do.
    pub role: ApiRole,
    /// SHA-256 of the secret, hex-encoded; the secret itself is never stored.
    #[sea_orm(unique)]
    pub secret_hash: String,
    /// The first characters of the secret, to tell keys apart in lists.
    pub secret_prefix: String,
    /// When the key was created (UTC).
    pub created_at: DateTimeUtc,
    /// When the key was revoked (UTC); a revoked key authenticates nobody.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Links of `api_key`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
