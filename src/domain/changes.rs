//! The write generations of this process: the one owner of "something changed".
//!
//! Every domain write records what kind of thing it changed, and every cache of the process
//! follows the generations it depends on: the response cache follows every change, the shared
//! copy of the categories follows category writes, and like rankings follow article and
//! category writes. A cache keyed by a generation stops finding what it kept the moment a
//! write moves that generation on, and one that reads across a write keeps nothing (it
//! compares the generation before and after).
//!
//! A write records its change when its function returns or is dropped, whichever comes
//! first, so a write cut short after its commit still moves the generation on; one cut short
//! before it only costs the caches a reload.
//!
//! Caches outside the process (a CDN) learn of a write from its [`Purge`]: the surrogate keys
//! of what it touched, which the answers that showed those things carry. Other instances on
//! the same PostgreSQL database learn of it from its [`Signal`] (see [`super::events`]), and
//! subscribers from the [`Event`]s announced here.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, OnceLock,
};

use tokio::sync::{broadcast, mpsc, Notify};

use super::events::{Changed, Event, Signal};

/// What a write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Articles or their translations: text, state, category, slug.
    Articles,
    /// Likes and so like counts.
    Likes,
    /// Categories or their names.
    Categories,
}

impl Change {
    fn index(self) -> usize {
        match self {
            Change::Articles => 0,
            Change::Likes => 1,
            Change::Categories => 2,
        }
    }
}

/// One thing a write touched, named for the caches that showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    /// An article: its text, state, media, tags or like count.
    Article(i64),
    /// A category or its names.
    Category(i64),
    /// A tag or its names.
    Tag(i64),
}

impl Touched {
    /// Its surrogate key.
    pub fn key(self) -> String {
        match self {
            Touched::Article(id) => format!("article/{id}"),
            Touched::Category(id) => format!("category/{id}"),
            Touched::Tag(id) => format!("tag/{id}"),
        }
    }
}

/// The surrogate key of every list of articles (pages, feeds): a write that can add an
/// article to a list, take one out or change what lists show of it purges them all.
pub const ARTICLE_LISTS: &str = "articles";

/// The surrogate key of every answer that shows a category: categories are few and rarely
/// written, so one key names them all.
pub const CATEGORY_LISTS: &str = "categories";

/// The surrogate key of every list of tags.
pub const TAG_LISTS: &str = "tags";

/// What a write asks caches outside the process to forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purge {
    /// The surrogate keys.
    pub keys: Vec<String>,
}

/// How many purges wait for a slow listener before the oldest are dropped.
const PURGE_BACKLOG: usize = 1024;

/// How many events wait for a slow subscriber before the oldest are dropped for it.
const EVENT_BACKLOG: usize = 4096;

#[derive(Debug)]
struct Shared {
    generations: [AtomicU64; 3],
    purges: broadcast::Sender<Purge>,
    events: broadcast::Sender<Event>,
    /// Numbers the like counts announced, in the order they were written.
    sequence: AtomicU64,
    /// Wakes the watcher of publications: an article changed here or elsewhere.
    articles_changed: Notify,
    /// This instance's name in its signals.
    origin: String,
    /// Where this instance's signals go to reach the others (PostgreSQL only).
    outbound: OnceLock<mpsc::Sender<Signal>>,
}

/// The generations; clones share them.
#[derive(Debug, Clone)]
pub struct Changes(Arc<Shared>);

impl Default for Changes {
    fn default() -> Self {
        Changes(Arc::new(Shared {
            generations: Default::default(),
            purges: broadcast::channel(PURGE_BACKLOG).0,
            events: broadcast::channel(EVENT_BACKLOG).0,
            sequence: AtomicU64::new(0),
            articles_changed: Notify::new(),
            origin: uuid::Uuid::new_v4().simple().to_string(),
            outbound: OnceLock::new(),
        }))
    }
}

impl Changes {
    /// The generation of every change together: moves on with each write of any kind.
    pub fn all(&self) -> u64 {
        self.0
            .generations
            .iter()
            .map(|c| c.load(Ordering::Acquire))
            .sum()
    }

    /// The generation of the changes of these kinds together.
    pub fn of(&self, kinds: &[Change]) -> u64 {
        kinds
            .iter()
            .map(|k| self.0.generations[k.index()].load(Ordering::Acquire))
            .sum()
    }

    /// Records a change of `kind` when the returned guard is dropped: at the end of the write
    /// that holds it, however that write ends.
    pub fn recording(&self, kind: Change) -> Recording<'_> {
        Recording {
            changes: self,
            kind,
            touched: Vec::new(),
        }
    }

    /// The purges of every write from now on.
    pub fn purges(&self) -> broadcast::Receiver<Purge> {
        self.0.purges.subscribe()
    }

    /// The events announced from now on.
    pub fn events(&self) -> broadcast::Receiver<Event> {
        self.0.events.subscribe()
    }

    /// How many receivers of events there are.
    pub fn event_receivers(&self) -> usize {
        self.0.events.receiver_count()
    }

    /// Tells every subscriber of this process of `event`.
    pub fn announce(&self, event: Event) {
        // Nobody listening is no error: nobody subscribes.
        self.0.events.send(event).ok();
    }

    /// The next number of the like counts this process announces.
    pub fn next_sequence(&self) -> u64 {
        self.0.sequence.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// This instance's name in the signals it sends.
    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    /// Sends this instance's signals to `outbound` from now on; only the first call counts.
    pub fn send_signals(&self, outbound: mpsc::Sender<Signal>) {
        self.0.outbound.set(outbound).ok();
    }

    /// Whether signals leave this instance (it serves PostgreSQL with others).
    pub fn signals_leave(&self) -> bool {
        self.0.outbound.get().is_some()
    }

    /// Follows a write of `kind` made by another instance: the caches here stop finding
    /// what they kept, and nothing is sent on.
    pub fn changed_elsewhere(&self, kind: Change) {
        self.0.generations[kind.index()].fetch_add(1, Ordering::AcqRel);
        if kind == Change::Articles {
            self.0.articles_changed.notify_one();
        }
    }

    /// Follows writes this instance may have missed (it could not hear the others for a
    /// while): as if every kind had changed elsewhere.
    pub fn anything_changed_elsewhere(&self) {
        for kind in [Change::Articles, Change::Likes, Change::Categories] {
            self.changed_elsewhere(kind);
        }
    }

    /// Waits until an article has changed, here or elsewhere, since the last wait ended.
    pub async fn article_changed(&self) {
        self.0.articles_changed.notified().await;
    }
}

/// Records its change when dropped; see [`Changes::recording`].
#[must_use = "the change is recorded when this guard is dropped"]
pub struct Recording<'a> {
    changes: &'a Changes,
    kind: Change,
    touched: Vec<Touched>,
}

impl Recording<'_> {
    /// Names something the write touches, for its purge.
    pub fn touching(mut self, touched: Touched) -> Self {
        self.touched.push(touched);
        self
    }

    /// Names something the write touches once it knows it (the row it created).
    pub fn touch(&mut self, touched: Touched) {
        self.touched.push(touched);
    }

    /// The keys the write's purge names: what it touched, and the lists that show it.
    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.touched.iter().map(|t| t.key()).collect();
        // A like moves one count: the article's own answers show it at once, lists within
        // their time to live. Other writes can reorder or refill lists.
        let lists = match self.kind {
            Change::Articles => Some(ARTICLE_LISTS),
            Change::Categories => Some(CATEGORY_LISTS),
            Change::Likes => None,
        };
        keys.extend(lists.map(str::to_owned));
        if self.touched.iter().any(|t| matches!(t, Touched::Tag(_))) {
            keys.push(TAG_LISTS.to_owned());
        }
        keys
    }
}

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        let shared = &self.changes.0;
        shared.generations[self.kind.index()].fetch_add(1, Ordering::AcqRel);
        if self.kind == Change::Articles {
            shared.articles_changed.notify_one();
        }
        let keys = self.keys();
        if !keys.is_empty() {
            // Nobody listening is no error: nothing outside keeps answers.
            shared.purges.send(Purge { keys }).ok();
        }
        if let (Some(outbound), Some(what)) = (shared.outbound.get(), Changed::of(self.kind)) {
            // A full queue means the database is not taking signals; the other instances
            // then lose their connection to it too, and forget everything when they are back.
            outbound
                .try_send(Signal {
                    origin: shared.origin.clone(),
                    what,
                })
                .ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_moves_its_own_generation_and_the_whole() {
        let changes = Changes::default();
        let (all, categories) = (changes.all(), changes.of(&[Change::Categories]));
        drop(changes.recording(Change::Likes));
        assert_eq!(changes.all(), all + 1);
        assert_eq!(changes.of(&[Change::Categories]), categories);
        {
            let _write = changes.recording(Change::Categories);
            assert_eq!(
                changes.of(&[Change::Categories]),
                categories,
                "not before it ends"
            );
        }
        assert_eq!(changes.of(&[Change::Categories]), categories + 1);
        assert_eq!(changes.of(&[Change::Articles, Change::Categories]), 1);
        assert_eq!(changes.clone().all(), 2, "clones share the generations");
    }

    #[test]
    fn a_write_purges_what_it_touched_and_the_lists_that_show_it() {
        let changes = Changes::default();
        let mut purges = changes.purges();
        drop(
            changes
                .recording(Change::Articles)
                .touching(Touched::Article(7))
                .touching(Touched::Category(2)),
        );
        drop(
            changes
                .recording(Change::Likes)
                .touching(Touched::Article(7)),
        );
        drop(
            changes
                .recording(Change::Categories)
                .touching(Touched::Category(2)),
        );
        let keys = |purge: Purge| purge.keys;
        assert_eq!(
            keys(purges.try_recv().unwrap()),
            ["article/7", "category/2", "articles"]
        );
        assert_eq!(keys(purges.try_recv().unwrap()), ["article/7"]);
        assert_eq!(
            keys(purges.try_recv().unwrap()),
            ["category/2", "categories"]
        );
        assert!(purges.try_recv().is_err());
    }
}
