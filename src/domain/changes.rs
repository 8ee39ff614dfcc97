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

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

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

/// The generations; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Changes(Arc<[AtomicU64; 3]>);

impl Changes {
    /// The generation of every change together: moves on with each write of any kind.
    pub fn all(&self) -> u64 {
        self.0.iter().map(|c| c.load(Ordering::Acquire)).sum()
    }

    /// The generation of the changes of these kinds together.
    pub fn of(&self, kinds: &[Change]) -> u64 {
        kinds
            .iter()
            .map(|k| self.0[k.index()].load(Ordering::Acquire))
            .sum()
    }

    /// Records a change of `kind` when the returned guard is dropped: at the end of the write
    /// that holds it, however that write ends.
    pub fn recording(&self, kind: Change) -> Recording<'_> {
        Recording {
            changes: self,
            kind,
        }
    }
}

/// Records its change when dropped; see [`Changes::recording`].
#[must_use = "the change is recorded when this guard is dropped"]
pub struct Recording<'a> {
    changes: &'a Changes,
    kind: Change,
}

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        self.changes.0[self.kind.index()].fetch_add(1, Ordering::AcqRel);
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
}
