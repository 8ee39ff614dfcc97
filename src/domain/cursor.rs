//! Opaque keyset cursors: the sort key and id of the last row a client saw.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};

use super::{DomainError, DomainResult};

/// The orders an article list can be walked in; each has its own keyset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOrder {
    /// Newest publish time first.
    Latest,
    /// Oldest publish time first.
    Oldest,
    /// Most recently changed first.
    RecentlyUpdated,
    /// Most likes first.
    MostLiked,
}

impl ArticleOrder {
    fn tag(self) -> char {
        match self {
            ArticleOrder::Latest => 'L',
            ArticleOrder::Oldest => 'O',
            ArticleOrder::RecentlyUpdated => 'U',
            ArticleOrder::MostLiked => 'M',
        }
    }
}

/// The value of the sort column at a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// A time (publish or update), for the time orders.
    Time(DateTime<Utc>),
    /// A like count, for [`ArticleOrder::MostLiked`].
    Count(i32),
}

/// A position in an ordered article list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The order the cursor belongs to; it is refused in any other.
    pub order: ArticleOrder,
    /// Sort column value of the row.
    pub key: SortKey,
    /// Id of the row, the tie-breaker.
    pub id: i64,
}

impl Cursor {
    /// The cursor as the opaque string clients pass back.
    pub fn encode(&self) -> String {
        let key = match self.key {
            SortKey::Time(t) => t.timestamp_micros(),
            SortKey::Count(c) => i64::from(c),
        };
        URL_SAFE_NO_PAD.encode(format!("{}:{}:{}", self.order.tag(), key, self.id))
    }

    /// Reads a cursor that a client passed for a list in `order`.
    pub fn decode(field: &'static str, text: &str, order: ArticleOrder) -> DomainResult<Cursor> {
        let invalid = || DomainError::invalid(field, format!("`{field}` is not a valid cursor"));
        let raw = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let mut parts = raw.splitn(3, ':');
        let (Some(tag), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        if tag.len() != 1 || !tag.starts_with(order.tag()) {
            return Err(DomainError::invalid(
                field,
                format!("`{field}` is a cursor of another order; start over without it"),
            ));
        }
        let key: i64 = key.parse().map_err(|_| invalid())?;
        let id: i64 = id.parse().map_err(|_| invalid())?;
        let key = match order {
            ArticleOrder::MostLiked => SortKey::Count(i32::try_from(key).map_err(|_| invalid())?),
            _ => SortKey::Time(DateTime::from_timestamp_micros(key).ok_or_else(invalid)?),
        };
        Ok(Cursor { order, key, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip() {
        let cursor = Cursor {
            order: ArticleOrder::Latest,
            key: SortKey::Time(DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap()),
            id: 42,
        };
        assert_eq!(
            Cursor::decode("after", &cursor.encode(), ArticleOrder::Latest).unwrap(),
            cursor
        );
    }

    #[test]
    fn garbage_and_foreign_cursors_are_refused() {
        assert!(Cursor::decode("after", "!!!", ArticleOrder::Latest).is_err());
        assert!(Cursor::decode("after", "bm9wZQ", ArticleOrder::Latest).is_err());
        let liked = Cursor {
            order: ArticleOrder::MostLiked,
            key: SortKey::Count(3),
            id: 1,
        };
        assert!(Cursor::decode("after", &liked.encode(), ArticleOrder::Latest).is_err());
    }
}
