//! Who is asking (`viewer`), and API key management for admins.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::Utc;
use entity::{api_key, ApiRole};

use super::{
    context,
    error::{bad_input, DomainResultExt},
    scalars::DateTime,
};
use crate::domain::{access, api_keys};

/// What an API key may do.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Writes, translates, schedules and publishes content; sees unpublished articles.
    Editor,
    /// Everything an editor does, and manages API keys.
    Admin,
    /// Reads published content for syndication.
    Partner,
}

impl From<ApiRole> for Role {
    fn from(role: ApiRole) -> Self {
        match role {
            ApiRole::Editor => Role::Editor,
            ApiRole::Admin => Role::Admin,
            ApiRole::Partner => Role::Partner,
        }
    }
}

impl From<Role> for ApiRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Editor => ApiRole::Editor,
            Role::Admin => ApiRole::Admin,
            Role::Partner => ApiRole::Partner,
        }
    }
}

/// The authenticated caller.
#[derive(SimpleObject)]
pub struct Viewer {
    /// Id of the API key in use.
    pub key_id: ID,
    /// Name of the API key in use.
    pub name: String,
    /// What the key may do.
    pub role: Role,
}

/// An API key, without its secret.
pub struct ApiKey(api_key::Model);

/// An API key, without its secret.
#[Object]
impl ApiKey {
    /// The key's id, as `newswire apikey revoke` takes it.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What the key is for.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the key may do.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// The first characters of the secret, to recognise the key.
    async fn prefix(&self) -> &str {
        &self.0.secret_prefix
    }

    /// When the key was created.
    async fn created_at(&self, ctx: &Context<'_>) -> async_graphql::Result<DateTime> {
        let zone = context::config(ctx)?.time_zone;
        Ok(DateTime(
            self.0.created_at.with_timezone(&zone).fixed_offset(),
        ))
    }

    /// When the key was revoked; null while it works.
    async fn revoked_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime>> {
        let zone = context::config(ctx)?.time_zone;
        Ok(self
            .0
            .revoked_at
            .map(|t| DateTime(t.with_timezone(&zone).fixed_offset())))
    }
}

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// What the key is for, 1 to 120 characters.
    pub name: String,
    /// What it may do.
    pub role: Role,
}

/// A key just created, with the secret: shown this once, never again.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key.
    pub api_key: ApiKey,
    /// The secret, to send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// A key after revocation.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key, now revoked.
    pub api_key: ApiKey,
}

/// Root fields about the caller and API keys.
#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// The authenticated caller; null for anonymous readers.
    #[graphql(cache_control(private))]
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Viewer>> {
        Ok(context::principal(ctx)?.map(|p| Viewer {
            key_id: ID(p.key_id.to_string()),
            name: p.name.clone(),
            role: p.role.into(),
        }))
    }

    /// Every API key, newest first, revoked ones included (ADMIN).
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        access::require_admin(context::principal(ctx)?).gql()?;
        let keys = api_keys::list(context::db(ctx)?).await.gql()?;
        Ok(keys.into_iter().map(ApiKey).collect())
    }
}

/// API key management (ADMIN).
#[derive(Default)]
pub struct AccessMutation;

#[Object]
impl AccessMutation {
    /// Create an API key; its secret is returned this once (ADMIN).
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreateApiKeyPayload> {
        access::require_admin(context::principal(ctx)?).gql()?;
        let issued = api_keys::create(
            context::db(ctx)?,
            Utc::now(),
            &input.name,
            input.role.into(),
        )
        .await
        .gql()?;
        Ok(CreateApiKeyPayload {
            api_key: ApiKey(issued.key),
            secret: issued.secret,
        })
    }

    /// Revoke an API key: it stops working at once (ADMIN).
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's id.")] id: ID,
    ) -> async_graphql::Result<RevokeApiKeyPayload> {
        access::require_admin(context::principal(ctx)?).gql()?;
        let id = id
            .parse::<i64>()
            .map_err(|_| bad_input("id", format!("`{}` is not an API key id", id.as_str())))?;
        let key = api_keys::revoke(context::db(ctx)?, Utc::now(), id)
            .await
            .gql()?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKey(key),
        })
    }
}
