//! The domain layer's error type; the GraphQL layer maps each variant to an `extensions.code`.

use sea_orm::DbErr;

/// What can go wrong in the domain layer.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The thing asked for does not exist, or is not visible to the caller.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, such as "article".
        what: &'static str,
    },
    /// The caller sent a value the domain refuses.
    #[error("{message}")]
    InvalidInput {
        /// The argument or input field at fault.
        field: &'static str,
        /// What is wrong with it, for the caller.
        message: String,
    },
    /// The caller's credentials are missing where needed, or not valid.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A checkpoint lies before what is still kept; the caller must start over.
    #[error("{0}")]
    Expired(String),
    /// The database failed; details are logged, never shown to clients.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

impl DomainError {
    /// An [`DomainError::InvalidInput`] for `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::InvalidInput {
            field,
            message: message.into(),
        }
    }

    /// The error of a computation shared through a cache, which hands it out behind an `Arc`:
    /// the error itself when this was its only holder, else a copy of the same kind (a
    /// database failure keeps its text; `DbErr` cannot be copied whole).
    pub fn from_shared(error: std::sync::Arc<DomainError>) -> Self {
        std::sync::Arc::try_unwrap(error).unwrap_or_else(|shared| match &*shared {
            DomainError::NotFound { what } => DomainError::NotFound { what },
            DomainError::InvalidInput { field, message } => DomainError::InvalidInput {
                field,
                message: message.clone(),
            },
            DomainError::Unauthenticated(message) => DomainError::Unauthenticated(message.clone()),
            DomainError::Forbidden(message) => DomainError::Forbidden(message.clone()),
            DomainError::Expired(message) => DomainError::Expired(message.clone()),
            DomainError::Database(db) => DomainError::Database(DbErr::Custom(db.to_string())),
        })
    }
}

/// The result of a domain call.
pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_shared_error_keeps_its_kind() {
        let shared = Arc::new(DomainError::invalid("filter.category", "unknown category"));
        let _other_holder = shared.clone();
        match DomainError::from_shared(shared) {
            DomainError::InvalidInput { field, message } => {
                assert_eq!(
                    (field, message.as_str()),
                    ("filter.category", "unknown category")
                );
            }
            other => panic!("became {other:?}"),
        }
        let shared = Arc::new(DomainError::NotFound { what: "category" });
        let _other_holder = shared.clone();
        assert!(matches!(
            DomainError::from_shared(shared),
            DomainError::NotFound { what: "category" }
        ));
    }
}
