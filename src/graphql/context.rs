//! What resolvers read from their context, through one checked accessor: the handles the
//! schema was built with (database, configuration, shared caches) and what the executor
//! attaches to every request, whatever its transport (loaders, requester, accepted locales).
//!
//! A missing item is a bug in how the schema or the request was put together; it answers
//! `INTERNAL_SERVER_ERROR` (and is logged) instead of panicking.

use std::{any::Any, sync::Arc};

use async_graphql::Context;
use chrono_tz::Tz;

use super::{
    error::{bad_input, internal},
    loaders::{Deferred, Loaders},
    locale::Locale,
};
use crate::{
    config::Config,
    db::reads::Reads,
    domain::{
        access::{Audience, Principal},
        category_directory::Directory,
        changes::Changes,
        locale::Locale as DomainLocale,
        rankings::Rankings,
        tag_directory::TagDirectory,
    },
};

/// The item of type `T` the schema or the executor attached.
pub fn data<'a, T: Any + Send + Sync>(ctx: &Context<'a>) -> async_graphql::Result<&'a T> {
    ctx.data_opt::<T>().ok_or_else(|| {
        tracing::error!(
            missing = std::any::type_name::<T>(),
            "a resolver asked for data the request does not carry"
        );
        internal()
    })
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Requester {
    /// Who a like belongs to: the principal (`key:<id>`), else the client id (`client:<id>`).
    pub liker: String,
    /// The API key's principal, for authenticated requests.
    pub principal: Option<Principal>,
}

impl Requester {
    /// The requester with this principal and client id.
    pub fn new(principal: Option<Principal>, client_id: &str) -> Self {
        let liker = match &principal {
            Some(p) => format!("key:{}", p.key_id),
            None => format!("client:{client_id}"),
        };
        Requester { liker, principal }
    }
}

/// Who is asking.
pub fn requester<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Requester> {
    data::<Requester>(ctx)
}

/// The authenticated principal, if any.
pub fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<Option<&'a Principal>> {
    Ok(requester(ctx)?.principal.as_ref())
}

/// Which articles the requester may see.
pub fn audience(ctx: &Context<'_>) -> async_graphql::Result<Audience> {
    Ok(Audience::of(principal(ctx)?))
}

/// The request's dataloaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    match ctx.data_opt::<Loaders>() {
        Some(loaders) => Ok(loaders),
        None => Ok(data::<Deferred>(ctx)?.get()),
    }
}

/// The shared copy of the category tree.
pub fn directory<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Directory> {
    data::<Directory>(ctx)
}

/// The tags kept for pages of articles.
pub fn tag_directory<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a TagDirectory> {
    data::<TagDirectory>(ctx)
}

/// The write generations a domain write records its change in, for a resolver about to
/// write. The request's loaders forget what they loaded first: mutation fields run one after
/// another, and what a later one (or this one's payload) loads must show this write.
pub fn writing<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Changes> {
    loaders(ctx)?.forget();
    data::<Changes>(ctx)
}

/// The shared like rankings.
pub fn rankings<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Rankings> {
    data::<Rankings>(ctx)
}

/// The locales the request's `Accept-Language` header asks for, best first (maybe none).
#[derive(Debug, Clone, Default)]
pub struct AcceptedLocales(pub Vec<DomainLocale>);

/// A reader's language preference, carried down to every object under a root field.
pub type Preferences = Arc<[DomainLocale]>;

/// The preference list for a root field: its `locales` argument, else the request's
/// `Accept-Language`, else the server's defaults.
pub fn preferences(
    ctx: &Context<'_>,
    argument: Option<Vec<Locale>>,
) -> async_graphql::Result<Preferences> {
    let mut chosen: Vec<DomainLocale> = Vec::new();
    for locale in argument.unwrap_or_default() {
        let locale = DomainLocale::from(locale);
        if !chosen.contains(&locale) {
            chosen.push(locale);
        }
    }
    if chosen.is_empty() {
        if let Some(accepted) = ctx.data_opt::<AcceptedLocales>() {
            chosen.clone_from(&accepted.0);
        }
    }
    if chosen.is_empty() {
        chosen.clone_from(&config(ctx)?.default_locales.0);
    }
    Ok(chosen.into())
}

/// The server's configuration.
pub fn config<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<Config>> {
    data::<Arc<Config>>(ctx)
}

/// The database handle.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a sea_orm::DatabaseConnection> {
    data::<sea_orm::DatabaseConnection>(ctx)
}

/// The connections for page reads.
pub fn reads<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Reads> {
    data::<Reads>(ctx)
}

/// The zone a `timeZone` argument names, or the server's zone when it names none.
pub fn time_zone(ctx: &Context<'_>, argument: Option<String>) -> async_graphql::Result<Tz> {
    match argument {
        None => Ok(config(ctx)?.time_zone),
        Some(name) => name.parse().map_err(|_| {
            bad_input(
                "timeZone",
                format!("`{name}` is not an IANA time zone such as Asia/Seoul or UTC"),
            )
        }),
    }
}
