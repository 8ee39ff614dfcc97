//! What readers can watch live, and how a change travels between the instances that serve
//! one PostgreSQL database.
//!
//! Two events reach subscribers: a like count that moved, and an article that came out.
//! Between instances, every change travels as one [`Signal`] on the PostgreSQL channel
//! [`CHANNEL`], in a small JSON payload: a like count as the transaction that moved it
//! commits (PostgreSQL delivers notifications in commit order, so counts arrive in the order
//! they were written), and any other write right after it, so that every instance's caches
//! follow it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::changes::Change;

/// The PostgreSQL channel the instances of one database share.
pub const CHANNEL: &str = "newswire_changes";

/// Something a subscriber may be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// An article's like count moved.
    LikeCount(LikeCount),
    /// An article came out: published now, or its scheduled time came.
    Published(Publication),
}

/// An article's like count after a like or unlike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LikeCount {
    /// The article.
    pub article_id: i64,
    /// How many readers like it now.
    pub like_count: i32,
    /// Rises with every count this process announces, in the order the counts were written:
    /// a count that arrives with a lower number than one already passed on is older.
    pub sequence: u64,
    /// When the count was written.
    pub at: DateTime<Utc>,
}

/// An article that came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// The article.
    pub article_id: i64,
    /// The time it came out at; a later publication of the same article is another event.
    pub published_at: DateTime<Utc>,
}

/// One change on its way between instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// The instance that made it, which ignores what it already knows.
    #[serde(rename = "o")]
    pub origin: String,
    /// What changed.
    #[serde(flatten)]
    pub what: Changed,
}

/// What a [`Signal`] says changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Changed {
    /// An article's like count is now `count`.
    Like {
        /// The article.
        #[serde(rename = "a")]
        article_id: i64,
        /// Its like count.
        #[serde(rename = "n")]
        count: i32,
        /// When it was written.
        #[serde(rename = "t")]
        at: DateTime<Utc>,
    },
    /// Articles, their translations, media or tags.
    Articles,
    /// Categories or their names.
    Categories,
}

impl Changed {
    /// The signal of a write of `kind` other than a like (likes carry their count).
    pub fn of(kind: Change) -> Option<Changed> {
        match kind {
            Change::Articles => Some(Changed::Articles),
            Change::Categories => Some(Changed::Categories),
            Change::Likes => None,
        }
    }
}

impl Signal {
    /// The payload of a notification.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The signal a payload carries; `None` for one this version does not know.
    pub fn decode(payload: &str) -> Option<Signal> {
        serde_json::from_str(payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_survive_their_payload() {
        let at = Utc::now();
        for what in [
            Changed::Like {
                article_id: 7,
                count: 12,
                at,
            },
            Changed::Articles,
            Changed::Categories,
        ] {
            let signal = Signal {
                origin: "a".into(),
                what,
            };
            assert_eq!(Signal::decode(&signal.encode()), Some(signal));
        }
        assert_eq!(Signal::decode("{\"o\":\"a\",\"k\":\"weather\"}"), None);
        assert_eq!(Signal::decode("not json"), None);
    }
}
