//! Relay-style page requests (`first`/`after`, `last`/`before`), validated once for every list.

use super::{DomainError, DomainResult};

/// Items per page when a client names no size.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page a client may ask for; more is an error, never a silent clamp.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Which way a page is read from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `first`, optionally `after`: from the start of the order.
    Forward,
    /// `last`, optionally `before`: from the end of the order.
    Backward,
}

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items at most.
    pub size: u64,
    /// Which end the page is counted from.
    pub direction: Direction,
    /// Only items after this cursor.
    pub after: Option<String>,
    /// Only items before this cursor.
    pub before: Option<String>,
}

impl PageRequest {
    /// Checks the four Relay arguments: at most one of `first` and `last`, each 0 to 100.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> DomainResult<Self> {
        let (size, direction) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(DomainError::invalid(
                    "last",
                    "pass either `first` or `last`, not both",
                ))
            }
            (Some(n), None) => (page_size("first", n)?, Direction::Forward),
            (None, Some(n)) => (page_size("last", n)?, Direction::Backward),
            (None, None) => (DEFAULT_PAGE_SIZE, Direction::Forward),
        };
        Ok(PageRequest {
            size,
            direction,
            after,
            before,
        })
    }
}

/// Checks a single count argument such as `first` against the page-size limit.
pub fn page_size(field: &'static str, n: i32) -> DomainResult<u64> {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_PAGE_SIZE => Ok(n),
        _ => Err(DomainError::invalid(
            field,
            format!("`{field}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"),
        )),
    }
}

/// One page of items.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items in list order.
    pub items: Vec<T>,
    /// Whether items follow the last one.
    pub has_next_page: bool,
    /// Whether items precede the first one.
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    /// A forward page of `size` from `items` read with one more than `size` (the extra one,
    /// if there, only tells that more follow); `after_cursor`: whether it starts after one.
    pub fn of_one_more(mut items: Vec<T>, size: u64, after_cursor: bool) -> Self {
        let more = items.len() as u64 > size;
        items.truncate(size as usize);
        Page {
            items,
            has_next_page: more,
            has_previous_page: after_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_outside_the_limit_are_refused() {
        assert!(PageRequest::new(Some(101), None, None, None).is_err());
        assert!(PageRequest::new(Some(-1), None, None, None).is_err());
        assert!(PageRequest::new(Some(1), None, Some(1), None).is_err());
        assert_eq!(PageRequest::new(None, None, None, None).unwrap().size, 20);
        assert_eq!(
            PageRequest::new(None, None, Some(100), None)
                .unwrap()
                .direction,
            Direction::Backward
        );
    }
}
