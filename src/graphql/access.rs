//! Who is asking (`viewer`), and API key management for admins.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::Utc;
use entity::{api_key, ApiRole};

use std::sync::Arc;

use super::{
    category::Category,
    context::{self, preferences},
    error::{bad_input, DomainResultExt},
    locale::Locale,
    scalars::DateTime,
};
use crate::domain::{
    access, api_keys,
    licences::{self, CategoryGrant},
};

/// What an API key may do.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Writes, translates, schedules and publishes content; sees unpublished articles.
    Editor,
    /// Everything an editor does, and manages API keys.
    Admin,
    /// Reads, for syndication, what its licence covers (nothing until an admin grants one).
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
    /// What a PARTNER key licenses; null for other roles.
    pub licence: Option<Licence>,
}

/// What a PARTNER key may carry: articles of its categories that have text in its languages,
/// and only that text. A new PARTNER key licenses nothing until an admin grants it.
#[derive(Clone)]
pub struct Licence(Arc<access::Licence>);

/// What a PARTNER key may carry: articles of its categories that have text in its languages,
/// and only that text.
#[Object]
impl Licence {
    /// The licensed languages.
    async fn locales(&self) -> Vec<Locale> {
        self.0.locales.iter().map(|l| (*l).into()).collect()
    }

    /// The licensed categories as granted.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<LicensedCategory>> {
        let ids: Vec<i64> = self.0.categories.iter().map(|c| c.category_id).collect();
        let rows = context::loaders(ctx)?.category.load_many(ids).await.gql()?;
        let locales = preferences(ctx, None)?;
        Ok(self
            .0
            .categories
            .iter()
            .filter_map(|grant| {
                rows.get(&grant.category_id).map(|row| LicensedCategory {
                    category: Category::new((**row).clone(), locales.clone()),
                    with_subcategories: grant.with_subcategories,
                })
            })
            .collect())
    }
}

/// A licensed category.
#[derive(SimpleObject)]
pub struct LicensedCategory {
    /// The category.
    pub category: Category,
    /// Whether its subcategories, at any depth, are licensed too.
    pub with_subcategories: bool,
}

/// A category to license.
#[derive(InputObject)]
pub struct LicensedCategoryInput {
    /// Its slug.
    pub slug: String,
    /// Whether its subcategories, at any depth, are licensed too.
    #[graphql(default = true)]
    pub with_subcategories: bool,
}

/// A PARTNER key's whole licence; it replaces the one the key had.
#[derive(InputObject)]
pub struct LicenceInput {
    /// The languages it may carry.
    pub locales: Vec<Locale>,
    /// The categories it may carry.
    pub categories: Vec<LicensedCategoryInput>,
}

/// An API key, without its secret.
pub struct ApiKey(api_key::Model, Option<Licence>);

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

    /// What a PARTNER key licenses (empty until granted); null for other roles.
    async fn licence(&self) -> Option<Licence> {
        match self.0.role {
            ApiRole::Partner => Some(self.1.clone().unwrap_or_else(|| Licence(Arc::default()))),
            ApiRole::Editor | ApiRole::Admin => None,
        }
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

/// A key after its licence was set.
#[derive(SimpleObject)]
pub struct SetLicencePayload {
    /// The key, with its new licence.
    pub api_key: ApiKey,
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
            licence: p.licence.clone().map(Licence),
        }))
    }

    /// Every API key, newest first, revoked ones included (ADMIN).
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        access::require_admin(context::principal(ctx)?).gql()?;
        let db = context::db(ctx)?;
        let keys = api_keys::list(db).await.gql()?;
        let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
        let mut licences = licences::of_keys(db, &ids).await.gql()?;
        Ok(keys
            .into_iter()
            .map(|key| {
                let licence = licences.remove(&key.id).map(|l| Licence(Arc::new(l)));
                ApiKey(key, licence)
            })
            .collect())
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
            api_key: ApiKey(issued.key, None),
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
        let db = context::db(ctx)?;
        let key = api_keys::revoke(db, Utc::now(), id).await.gql()?;
        let licence = licences::of_key(db, id).await.gql()?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKey(key, Some(Licence(Arc::new(licence)))),
        })
    }

    /// Set what a PARTNER key licenses: the languages and categories it may carry (ADMIN).
    /// The new licence replaces the old at once; the partner's change feed brings what it
    /// gains and withdraws what it loses.
    async fn set_licence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PARTNER key's id.")] key_id: ID,
        #[graphql(desc = "The whole licence.")] input: LicenceInput,
    ) -> async_graphql::Result<SetLicencePayload> {
        access::require_admin(context::principal(ctx)?).gql()?;
        let id = key_id.parse::<i64>().map_err(|_| {
            bad_input(
                "keyId",
                format!("`{}` is not an API key id", key_id.as_str()),
            )
        })?;
        let locales: Vec<_> = input.locales.into_iter().map(Into::into).collect();
        let grants: Vec<CategoryGrant> = input
            .categories
            .into_iter()
            .map(|c| CategoryGrant {
                slug: c.slug,
                with_subcategories: c.with_subcategories,
            })
            .collect();
        let db = context::db(ctx)?;
        let licence = licences::grant(
            db,
            context::writing(ctx)?,
            Utc::now(),
            id,
            &locales,
            &grants,
        )
        .await
        .gql()?;
        let key = api_keys::find(db, id).await.gql()?;
        Ok(SetLicencePayload {
            api_key: ApiKey(key, Some(Licence(Arc::new(licence)))),
        })
    }
}
