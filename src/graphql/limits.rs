//! How deep a document nests and what it costs, measured before it runs, so that a document
//! over a limit is refused with `QUERY_TOO_COMPLEX` by the code that knows it is a limit.
//!
//! Depth counts the fields on the longest path from the root, fragments spread in place.
//! Cost counts objects the way GitHub's and Shopify's GraphQL APIs do: every field costs 1
//! plus what its selection costs, and a list that takes a page size (`first` or `last`)
//! multiplies its selection by that size (its declared default when the request names none,
//! 20 otherwise; sizes past the page limit count as the limit, so that they fail as
//! `BAD_USER_INPUT` when they run rather than as too complex). Every operation of the
//! document counts, as validation checks them all.

use async_graphql::{
    parser::types::{ExecutableDocument, Field, Selection, SelectionSet},
    Value, Variables,
};

use super::shape::{self, Shape};
use crate::domain::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// What a document measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// The most fields nested on one path.
    pub depth: usize,
    /// Its cost in objects.
    pub cost: u64,
}

/// Measures `document` with the values of `variables`.
pub fn measure(shape: &Shape, document: &ExecutableDocument, variables: &Variables) -> Measure {
    let mut walk = Walk {
        shape,
        document,
        variables,
        spreading: Vec::new(),
        depth: 0,
    };
    let mut cost = 0u64;
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let root = shape.root(operation.ty).unwrap_or("");
        cost = cost.saturating_add(walk.selections(&operation.selection_set.node, root, 1));
    }
    Measure {
        depth: walk.depth,
        cost,
    }
}

struct Walk<'a> {
    shape: &'a Shape,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The fragments being spread on the current path: a cycle is not followed (validation
    /// refuses it).
    spreading: Vec<&'a str>,
    depth: usize,
}

impl<'a> Walk<'a> {
    /// The cost of `set` on `parent`, whose fields stand at `level`.
    fn selections(&mut self, set: &'a SelectionSet, parent: &str, level: usize) -> u64 {
        let mut cost = 0u64;
        for item in &set.items {
            let part = match &item.node {
                Selection::Field(field) => self.field(&field.node, parent, level),
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = shape::fragment_type(fragment, parent);
                    self.selections(&fragment.selection_set.node, on, level)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match Shape::fragment(self.document, name) {
                        Some((set, on)) if !self.spreading.contains(&name) => {
                            self.spreading.push(name);
                            let part = self.selections(set, on, level);
                            self.spreading.pop();
                            part
                        }
                        _ => 0,
                    }
                }
            };
            cost = cost.saturating_add(part);
        }
        cost
    }

    fn field(&mut self, field: &'a Field, parent: &str, level: usize) -> u64 {
        self.depth = self.depth.max(level);
        let declared = self.shape.field(parent, field.name.node.as_str());
        let returns = declared.map_or("", |d| d.returns.as_str());
        let children = self.selections(&field.selection_set.node, returns, level + 1);
        let Some(declared) = declared else {
            return children.saturating_add(1);
        };
        let size = ["first", "last"].iter().find_map(|name| {
            let argument = declared.arguments.get(*name)?;
            let given = shape::argument(field, name, Some(self.variables))
                .filter(|value| *value != Value::Null);
            match given.or_else(|| argument.default.clone()) {
                // A negative size counts as one; it fails when it runs.
                Some(Value::Number(n)) => Some(n.as_u64().unwrap_or(0)),
                _ => None,
            }
        });
        let pages =
            declared.arguments.contains_key("first") || declared.arguments.contains_key("last");
        if pages {
            let size = size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
            size.saturating_mul(children).saturating_add(1)
        } else {
            children.saturating_add(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(query: &str, variables: serde_json::Value) -> Measure {
        let shape = Shape::from_sdl(&crate::graphql::sdl()).expect("the SDL parses");
        let document = async_graphql::parser::parse_query(query).expect("the query parses");
        measure(&shape, &document, &Variables::from_json(variables))
    }

    #[test]
    fn lists_multiply_their_selection_by_the_page_size_asked_for() {
        // articles: 1 + 20 × (nodes: 1 + title: 1)
        let home = measured("{ articles { nodes { title } } }", serde_json::json!({}));
        assert_eq!(home, Measure { depth: 3, cost: 41 });
        let five = measured(
            "{ articles(first: 5) { nodes { title } } }",
            serde_json::json!({}),
        );
        assert_eq!(five.cost, 11);
        let by_variable = measured(
            "query($n: Int) { articles(last: $n) { nodes { title } } }",
            serde_json::json!({ "n": 3 }),
        );
        assert_eq!(by_variable.cost, 7);
        // The declared default of mostLiked's `first` is 10; past the limit counts as 100.
        let ranked = measured("{ mostLiked { title } }", serde_json::json!({}));
        assert_eq!(ranked.cost, 11);
        let huge = measured(
            "{ articles(first: 100000) { nodes { title } } }",
            serde_json::json!({}),
        );
        assert_eq!(huge.cost, 201);
    }

    #[test]
    fn fragments_count_where_they_are_spread_and_cycles_end() {
        let spread = measured(
            "{ ...A ...A } fragment A on Query { locales { code } }",
            serde_json::json!({}),
        );
        assert_eq!(spread, Measure { depth: 2, cost: 4 });
        let cycle = measured(
            "{ ...A } fragment A on Query { locales { code } ...B } fragment B on Query { ...A }",
            serde_json::json!({}),
        );
        assert_eq!(cycle.cost, 2);
        let nested = measured(
            "{ categories { children { children { children { name } } } } }",
            serde_json::json!({}),
        );
        assert_eq!(nested.depth, 5);
    }
}
