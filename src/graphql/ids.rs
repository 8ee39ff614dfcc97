//! Opaque global ids (`Node.id`): the type name and the row id, base64-encoded.

use async_graphql::ID;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use super::error::bad_input;

/// The kinds of object a global id can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An `Article`.
    Article,
    /// A `Category`.
    Category,
    /// A `Tag`.
    Tag,
    /// A `Photo`.
    Photo,
    /// A `Video`.
    Video,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Category => "Category",
            Kind::Tag => "Tag",
            Kind::Photo => "Photo",
            Kind::Video => "Video",
        }
    }
}

/// The global id of row `id` of `kind`.
pub fn encode(kind: Kind, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Reads a global id; a malformed one is `BAD_USER_INPUT` on `field`.
pub fn decode(field: &str, id: &ID) -> async_graphql::Result<(Kind, i64)> {
    let invalid = || bad_input(field, format!("`{}` is not a valid id", id.as_str()));
    let raw = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    let (kind, row) = raw.split_once(':').ok_or_else(invalid)?;
    let kind = match kind {
        "Article" => Kind::Article,
        "Category" => Kind::Category,
        "Tag" => Kind::Tag,
        "Photo" => Kind::Photo,
        "Video" => Kind::Video,
        _ => return Err(invalid()),
    };
    let row = row.parse().map_err(|_| invalid())?;
    Ok((kind, row))
}

/// Reads a global id that must name an object of `kind`.
pub fn decode_as(field: &str, kind: Kind, id: &ID) -> async_graphql::Result<i64> {
    match decode(field, id)? {
        (k, row) if k == kind => Ok(row),
        _ => Err(bad_input(
            field,
            format!("`{}` is not the id of a {}", id.as_str(), kind.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = encode(Kind::Article, 7);
        assert_eq!(decode("id", &id).unwrap(), (Kind::Article, 7));
        assert!(decode_as("id", Kind::Category, &id).is_err());
        assert!(decode("id", &ID("nope".into())).is_err());
    }
}
