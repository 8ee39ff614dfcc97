//! API keys: random secrets shown once, stored as SHA-256 hashes, revocable.
//!
//! The secrets carry 256 random bits, so a fast hash is the right tool: there is nothing to
//! guess, and checking a key costs one indexed lookup.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use entity::{api_key, ApiRole};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};

use super::{access::Principal, licences, validate, DomainError, DomainResult};

/// What every secret starts with, so that leaked keys are easy to recognise.
const SECRET_PREFIX: &str = "nw_";
/// Characters of the secret kept in clear to tell keys apart.
const SHOWN_CHARS: usize = 10;

/// A key just created, with its secret: the only time the secret is known.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The stored key.
    pub key: api_key::Model,
    /// The secret to hand to its user.
    pub secret: String,
}

fn hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

/// Creates a key named `name` with `role`.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    name: &str,
    role: ApiRole,
) -> DomainResult<IssuedKey> {
    let name = validate::text("name", name, 120)?;
    let secret = format!(
        "{SECRET_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    );
    let key = api_key::ActiveModel {
        name: Set(name),
        role: Set(role),
        secret_hash: Set(hash(&secret)),
        secret_prefix: Set(secret.chars().take(SHOWN_CHARS).collect()),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(IssuedKey { key, secret })
}

/// Every key, newest first, revoked ones included.
pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}

/// The key with this id.
pub async fn find(db: &DatabaseConnection, id: i64) -> DomainResult<api_key::Model> {
    api_key::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound { what: "API key" })
}

/// Revokes key `id`; revoking twice keeps the first time.
pub async fn revoke(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    id: i64,
) -> DomainResult<api_key::Model> {
    let key = find(db, id).await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let mut active: api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(now));
    Ok(active.update(db).await?)
}

/// The principal a bearer secret stands for. Unknown, revoked and malformed secrets are all
/// refused, never treated as anonymous.
pub async fn authenticate(db: &DatabaseConnection, secret: &str) -> DomainResult<Principal> {
    let well_formed = secret.starts_with(SECRET_PREFIX)
        && secret.len() <= 100
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !well_formed {
        return Err(DomainError::Unauthenticated(
            "the API key is malformed".into(),
        ));
    }
    let key = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(hash(secret)))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Unauthenticated("the API key is not known".into()))?;
    if key.revoked_at.is_some() {
        return Err(DomainError::Unauthenticated(
            "the API key has been revoked".into(),
        ));
    }
    let licence = match key.role {
        ApiRole::Partner => Some(Arc::new(licences::of_key(db, key.id).await?)),
        ApiRole::Editor | ApiRole::Admin => None,
    };
    Ok(Principal {
        key_id: key.id,
        name: key.name,
        role: key.role,
        licence,
    })
}
