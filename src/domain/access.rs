//! Who is asking, and what that lets them see.

use entity::ApiRole;

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
}

/// Which articles a caller can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Readers, partners: published articles whose time has come, never deleted ones.
    Public,
    /// Editors and admins: every article that is not deleted, whatever its status.
    Staff,
}

impl Audience {
    /// The audience of a caller, anonymous when `principal` is `None`.
    pub fn of(principal: Option<&Principal>) -> Audience {
        match principal.map(|p| p.role) {
            Some(ApiRole::Editor | ApiRole::Admin) => Audience::Staff,
            Some(ApiRole::Partner) | None => Audience::Public,
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
