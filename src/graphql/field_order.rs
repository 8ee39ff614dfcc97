//! Responses list fields in the order the query asked for them, as the GraphQL spec says
//! they should. async-graphql 7.2 assembles an object's fields as they finish resolving, so
//! [`restore`] puts each object's keys back in the order of the request's document. Objects
//! already in order (most of them) are left as they are.

use std::{cell::OnceCell, collections::HashMap};

use async_graphql::{
    parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet},
    Name, Positioned, Value,
};

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// The response keys of an object in query order. Worked out once per selection, however
/// many objects of the response (the items of a list) it orders.
struct Plan<'a> {
    keys: Vec<Key<'a>>,
}

/// A response key, the selection sets merged under it, and their plan once an object of the
/// response needed it.
struct Key<'a> {
    name: &'a Name,
    sets: Vec<&'a SelectionSet>,
    plan: OnceCell<Plan<'a>>,
}

impl<'a> Plan<'a> {
    fn of(sets: &[&'a SelectionSet], fragments: &'a Fragments) -> Self {
        let mut keys = Vec::new();
        for set in sets {
            collect(set, fragments, &mut keys, 0);
        }
        Plan { keys }
    }

    /// Whether `keys` come in the order of the plan (each key is in the plan once).
    fn in_order<'k>(&self, keys: impl Iterator<Item = &'k Name>) -> bool {
        let mut rest = self.keys.iter();
        keys.into_iter()
            .all(|key| rest.by_ref().any(|k| k.name == key))
    }
}

/// Puts the keys of every object in `data` in the order the operation `operation_name` of
/// `document` selects them.
pub fn restore(data: &mut Value, document: &ExecutableDocument, operation_name: Option<&str>) {
    let operation = document
        .operations
        .iter()
        .find(|(name, _)| name.map(|n| n.as_str()) == operation_name)
        .or_else(|| document.operations.iter().next());
    if let Some((_, operation)) = operation {
        let plan = Plan::of(&[&operation.node.selection_set.node], &document.fragments);
        apply(data, &plan, &document.fragments);
    }
}

fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut Vec<Key<'a>>,
    depth: usize,
) {
    // Fragment cycles are refused by validation; the bound only guards the recursion.
    if depth > 64 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let name = &field.node.response_key().node;
                let child = &field.node.selection_set.node;
                match keys.iter_mut().find(|k| k.name == name) {
                    Some(key) => key.sets.push(child),
                    None => keys.push(Key {
                        name,
                        sets: vec![child],
                        plan: OnceCell::new(),
                    }),
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    collect(
                        &fragment.node.selection_set.node,
                        fragments,
                        keys,
                        depth + 1,
                    );
                }
            }
            Selection::InlineFragment(inline) => {
                collect(&inline.node.selection_set.node, fragments, keys, depth + 1);
            }
        }
    }
}

fn apply<'a>(value: &mut Value, plan: &Plan<'a>, fragments: &'a Fragments) {
    match value {
        Value::Object(map) => {
            if !plan.in_order(map.keys()) {
                map.sort_by_cached_key(|name, _| {
                    plan.keys
                        .iter()
                        .position(|k| k.name == name)
                        .unwrap_or(usize::MAX)
                });
            }
            // The keys are in plan order now: one walk pairs each with its plan entry.
            let mut at = 0;
            for (name, child) in map.iter_mut() {
                while plan.keys.get(at).is_some_and(|k| k.name != name) {
                    at += 1;
                }
                let Some(key) = plan.keys.get(at) else {
                    break;
                };
                if matches!(child, Value::Object(_) | Value::List(_)) {
                    let child_plan = key.plan.get_or_init(|| Plan::of(&key.sets, fragments));
                    apply(child, child_plan, fragments);
                }
            }
        }
        Value::List(items) => {
            for item in items {
                apply(item, plan, fragments);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{parser::parse_query, Value};
    use serde_json::json;

    use super::restore;

    /// The keys of an object, in the order it holds them.
    fn keys(value: &Value) -> Vec<&str> {
        match value {
            Value::Object(map) => map.keys().map(|k| k.as_str()).collect(),
            other => panic!("not an object: {other}"),
        }
    }

    fn item(value: &Value, key: &str, index: usize) -> Value {
        match value {
            Value::Object(map) => match &map[key] {
                Value::List(items) => items[index].clone(),
                other => other.clone(),
            },
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn every_object_of_every_list_item_takes_the_query_order() {
        let document =
            parse_query("{ list { b ...F c { y x } } a } fragment F on T { d }").unwrap();
        let mut data = Value::from_json(json!({ "a": 1, "list": [] })).unwrap();
        // serde_json sorts object keys; the items are built as async-graphql holds them.
        let shuffled = [
            json!([["c", { "x": 1, "y": 2 }], ["d", 0], ["b", 1]]),
            json!([["b", 1], ["d", 0], ["c", { "y": 2, "x": 1 }]]),
            json!([["d", 0], ["b", 1], ["c", null]]),
        ];
        if let Value::Object(map) = &mut data {
            let items = shuffled
                .iter()
                .map(|pairs| {
                    Value::Object(
                        pairs
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|pair| {
                                let value = Value::from_json(pair[1].clone()).unwrap();
                                (async_graphql::Name::new(pair[0].as_str().unwrap()), value)
                            })
                            .collect(),
                    )
                })
                .collect();
            map.insert(async_graphql::Name::new("list"), Value::List(items));
        }
        assert_eq!(keys(&data), ["a", "list"]);

        restore(&mut data, &document, None);
        assert_eq!(keys(&data), ["list", "a"]);
        for index in 0..3 {
            assert_eq!(keys(&item(&data, "list", index)), ["b", "d", "c"]);
        }
        assert_eq!(keys(&item(&item(&data, "list", 0), "c", 0)), ["y", "x"]);
        assert_eq!(keys(&item(&item(&data, "list", 1), "c", 0)), ["y", "x"]);
    }
}
