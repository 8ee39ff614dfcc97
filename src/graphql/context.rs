//! What a request brings to the resolvers, set by the HTTP layer.

use std::sync::Arc;

use async_graphql::Context;
use chrono_tz::Tz;

use super::{error::bad_input, locale::Locale};
use crate::{
    config::Config,
    db::reads::Reads,
    domain::{
        access::{Audience, Principal},
        locale::Locale as DomainLocale,
    },
};

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
pub fn requester<'a>(ctx: &Context<'a>) -> &'a Requester {
    ctx.data_unchecked::<Requester>()
}

/// The authenticated principal, if any.
pub fn principal<'a>(ctx: &Context<'a>) -> Option<&'a Principal> {
    requester(ctx).principal.as_ref()
}

/// Which articles the requester may see.
pub fn audience(ctx: &Context<'_>) -> Audience {
    Audience::of(principal(ctx))
}

/// The locales the request's `Accept-Language` header asks for, best first (maybe none).
#[derive(Debug, Clone, Default)]
pub struct AcceptedLocales(pub Vec<DomainLocale>);

/// A reader's language preference, carried down to every object under a root field.
pub type Preferences = Arc<[DomainLocale]>;

/// The preference list for a root field: its `locales` argument, else the request's
/// `Accept-Language`, else the server's defaults.
pub fn preferences(ctx: &Context<'_>, argument: Option<Vec<Locale>>) -> Preferences {
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
        chosen.clone_from(&config(ctx).default_locales.0);
    }
    chosen.into()
}

/// The server's configuration.
pub fn config<'a>(ctx: &Context<'a>) -> &'a Arc<Config> {
    ctx.data_unchecked::<Arc<Config>>()
}

/// The database handle.
pub fn db<'a>(ctx: &Context<'a>) -> &'a sea_orm::DatabaseConnection {
    ctx.data_unchecked::<sea_orm::DatabaseConnection>()
}

/// The connections for page reads.
pub fn reads<'a>(ctx: &Context<'a>) -> &'a Reads {
    ctx.data_unchecked::<Reads>()
}

/// The zone a `timeZone` argument names, or the server's zone when it names none.
pub fn time_zone(ctx: &Context<'_>, argument: Option<String>) -> async_graphql::Result<Tz> {
    match argument {
        None => Ok(config(ctx).time_zone),
        Some(name) => name.parse().map_err(|_| {
            bad_input(
                "timeZone",
                format!("`{name}` is not an IANA time zone such as Asia/Seoul or UTC"),
            )
        }),
    }
}
