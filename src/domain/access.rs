//! Who is asking, and what that lets them see.

use std::sync::Arc;

use entity::{ApiRole, Locale};

use super::{DomainError, DomainResult};

/// An authenticated caller: the API key it presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The key's id.
    pub key_id: i64,
    /// The key's name.
    pub name: String,
    /// What the key may do.
    pub role: ApiRole,
    /// What a PARTNER key licenses; `None` for other roles.
    pub licence: Option<Arc<Licence>>,
}

/// A category a partner licenses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicensedCategory {
    /// The category.
    pub category_id: i64,
    /// Whether its subcategories, at any depth, are licensed too.
    pub with_subcategories: bool,
}

/// What a PARTNER key may carry: articles of its categories that have text in its languages,
/// and of those articles only the text in its languages. A key licenses nothing until an
/// admin grants it something.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Licence {
    /// The languages, in the order they were granted.
    pub locales: Vec<Locale>,
    /// The categories as granted.
    pub categories: Vec<LicensedCategory>,
    /// Every category id the grant covers, subcategories included.
    pub category_ids: Vec<i64>,
}

impl Licence {
    /// Whether the licence covers text in `locale`.
    pub fn has_locale(&self, locale: Locale) -> bool {
        self.locales.contains(&locale)
    }

    /// Whether the licence covers articles filed under `category_id`.
    pub fn has_category(&self, category_id: i64) -> bool {
        self.category_ids.contains(&category_id)
    }
}

/// Which articles a caller can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Readers: published articles whose time has come, never deleted ones.
    Public,
    /// A partner: what readers see, within its licence, and only what the rights of each
    /// article and photo let partners carry (syndicatable, out of embargo, not expired).
    Partner(Arc<Licence>),
    /// Editors and admins: every article that is not deleted, whatever its status.
    Staff,
}

impl Audience {
    /// The audience of a caller, anonymous when `principal` is `None`.
    pub fn of(principal: Option<&Principal>) -> Audience {
        match principal {
            Some(p) if matches!(p.role, ApiRole::Editor | ApiRole::Admin) => Audience::Staff,
            Some(p) => Audience::Partner(p.licence.clone().unwrap_or_default()),
            None => Audience::Public,
        }
    }

    /// The partner's licence, for a partner.
    pub fn licence(&self) -> Option<&Licence> {
        match self {
            Audience::Partner(licence) => Some(licence),
            Audience::Public | Audience::Staff => None,
        }
    }

    /// Whether this audience may read text in `locale`.
    pub fn reads_locale(&self, locale: Locale) -> bool {
        self.licence().is_none_or(|l| l.has_locale(locale))
    }

    /// The audience of what readers are shown beside an article (related articles, rankings):
    /// staff see there what readers see, partners what they license.
    pub fn as_reader(&self) -> Audience {
        match self {
            Audience::Staff => Audience::Public,
            other => other.clone(),
        }
    }
}

/// The principal, if it may write content (EDITOR or ADMIN).
pub fn require_editor(principal: Option<&Principal>) -> DomainResult<&Principal> {
    require(principal, &[ApiRole::Editor, ApiRole::Admin], "editors")
}

/// The principal, if it may manage API keys (ADMIN).
pub fn require_admin(principal: Option<&Principal>) -> DomainResult<&Principal> {
    require(principal, &[ApiRole::Admin], "admins")
}

fn require<'a>(
    principal: Option<&'a Principal>,
    roles: &[ApiRole],
    who: &str,
) -> DomainResult<&'a Principal> {
    match principal {
        None => Err(DomainError::Unauthenticated(format!(
            "only {who} may do this; send an API key as `Authorization: Bearer <key>`"
        ))),
        Some(p) if roles.contains(&p.role) => Ok(p),
        Some(_) => Err(DomainError::Forbidden(format!("only {who} may do this"))),
    }
}
