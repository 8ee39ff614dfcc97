//! Enum values written as string literals in a document (`orderBy: "LATEST"`) are refused,
//! as the GraphQL specification says: only JSON variables carry enum values as strings.
//!
//! async-graphql 7 accepts a string literal wherever an enum is expected, because its
//! validation sees literals and variables alike. This check reads the document itself, with
//! the types of every argument and input field taken from the schema's SDL (a public,
//! stable description of the schema), so it knows which strings were written in the text.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    parser::types::{
        BaseType, ExecutableDocument, OperationType, Selection, SelectionSet, ServiceDocument,
        Type, TypeKind, TypeSystemDefinition,
    },
    Pos, Positioned, ServerError, Value,
};

/// A field's arguments, by name, with its own type's name.
type FieldTypes = (HashMap<String, Type>, String);

/// The input types of a schema: enough to tell, for every argument a document writes, whether
/// it expects an enum.
#[derive(Default)]
pub struct InputTypes {
    /// Field name to its arguments' types and its own type's name, per object or interface.
    fields: HashMap<String, HashMap<String, FieldTypes>>,
    /// Field name to type, per input object.
    inputs: HashMap<String, HashMap<String, Type>>,
    enums: HashSet<String>,
    roots: [Option<String>; 3],
}

impl InputTypes {
    /// The input types of the schema whose SDL is `sdl`; `None` if it does not parse.
    pub fn from_sdl(sdl: &str) -> Option<Self> {
        let document: ServiceDocument = async_graphql::parser::parse_schema(sdl).ok()?;
        let mut types = InputTypes {
            fields: HashMap::new(),
            inputs: HashMap::new(),
            enums: HashSet::new(),
            roots: [
                Some("Query".into()),
                Some("Mutation".into()),
                Some("Subscription".into()),
            ],
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    let name =
                        |n: Option<Positioned<async_graphql::Name>>| n.map(|n| n.node.to_string());
                    types.roots = [
                        name(schema.query),
                        name(schema.mutation),
                        name(schema.subscription),
                    ];
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let name = ty.name.node.to_string();
                    let fields = match ty.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        TypeKind::Enum(_) => {
                            types.enums.insert(name);
                            continue;
                        }
                        TypeKind::InputObject(input) => {
                            let fields = input
                                .fields
                                .into_iter()
                                .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                                .collect();
                            types.inputs.insert(name, fields);
                            continue;
                        }
                        TypeKind::Scalar | TypeKind::Union(_) => continue,
                    };
                    let fields = fields
                        .into_iter()
                        .map(|field| {
                            let field = field.node;
                            let arguments = field
                                .arguments
                                .into_iter()
                                .map(|a| (a.node.name.node.to_string(), a.node.ty.node))
                                .collect();
                            let returns = named(&field.ty.node).to_owned();
                            (field.name.node.to_string(), (arguments, returns))
                        })
                        .collect();
                    types.fields.insert(name, fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Some(types)
    }

    /// Refuses the first enum value that `document` writes as a string literal, with a
    /// validation error at its position: in any of its operations (validation checks them all) or in a
    /// fragment they use.
    pub fn check(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let mut walk = Walk {
            types: self,
            document,
            visited: HashSet::new(),
        };
        for (_, operation) in document.operations.iter() {
            let operation = &operation.node;
            for variable in &operation.variable_definitions {
                let variable = &variable.node;
                if let Some(default) = &variable.default_value {
                    walk.value(&default.node, &variable.var_type.node, default.pos)?;
                }
            }
            let root = match operation.ty {
                OperationType::Query => &self.roots[0],
                OperationType::Mutation => &self.roots[1],
                OperationType::Subscription => &self.roots[2],
            };
            if let Some(root) = root {
                walk.selections(&operation.selection_set.node, root)?;
            }
        }
        Ok(())
    }
}

/// The named type at the bottom of `ty`'s lists.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// One walk over a document, with the fragments already seen (a fragment is checked once,
/// against the type its condition names).
struct Walk<'a> {
    types: &'a InputTypes,
    document: &'a ExecutableDocument,
    visited: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn selections(&mut self, set: &'a SelectionSet, parent: &str) -> Result<(), ServerError> {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    // Unknown types and fields (`__schema`, typos) are left to validation.
                    let Some((arguments, returns)) = self
                        .types
                        .fields
                        .get(parent)
                        .and_then(|fields| fields.get(field.name.node.as_str()))
                    else {
                        continue;
                    };
                    for (name, value) in &field.arguments {
                        if let Some(ty) = arguments.get(name.node.as_str()) {
                            // Variables become null: their values come as JSON, where an
                            // enum value is a string.
                            let literal = value
                                .node
                                .clone()
                                .into_const_with(|_| Ok::<_, ()>(Value::Null))
                                .unwrap_or(Value::Null);
                            self.value(&literal, ty, value.pos)?;
                        }
                    }
                    self.selections(&field.selection_set.node, returns)?;
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment
                        .type_condition
                        .as_ref()
                        .map_or(parent, |c| c.node.on.node.as_str());
                    self.selections(&fragment.selection_set.node, on)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if !self.visited.insert(name) {
                        continue;
                    }
                    if let Some(fragment) = self.document.fragments.get(name) {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.selections(&fragment.node.selection_set.node, on)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn value(&self, value: &Value, ty: &Type, pos: Pos) -> Result<(), ServerError> {
        match (&ty.base, value) {
            (BaseType::List(inner), Value::List(items)) => {
                items.iter().try_for_each(|item| self.value(item, inner, pos))
            }
            (BaseType::List(inner), _) => self.value(value, inner, pos),
            (BaseType::Named(name), Value::String(text)) if self.types.enums.contains(name.as_str()) => {
                Err(ServerError::new(
                    format!(
                        "Enum \"{name}\" cannot represent the string literal \"{text}\": write enum values without quotes, as in {text}"
                    ),
                    Some(pos),
                ))
            }
            (BaseType::Named(name), Value::Object(fields)) => {
                let Some(input) = self.types.inputs.get(name.as_str()) else {
                    return Ok(());
                };
                fields.iter().try_for_each(|(field, value)| {
                    input
                        .get(field.as_str())
                        .map_or(Ok(()), |ty| self.value(value, ty, pos))
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Option<String> {
        let types = InputTypes::from_sdl(&crate::graphql::sdl()).expect("the SDL parses");
        let document = async_graphql::parser::parse_query(query).expect("the query parses");
        types.check(&document).err().map(|e| e.message)
    }

    #[test]
    fn string_literals_for_enums_are_found_wherever_they_are_written() {
        for query in [
            r#"{ articles(orderBy: "LATEST") { totalCount } }"#,
            r#"{ articles(locales: ["JA"]) { totalCount } }"#,
            r#"{ articles(locales: "JA") { totalCount } }"#,
            r#"{ articles(filter: { availableIn: "JA" }) { totalCount } }"#,
            r#"{ categories { articles(orderBy: "OLDEST") { totalCount } } }"#,
            r#"{ ...F } fragment F on Query { mostLiked(window: "DAY") { id } }"#,
            r#"{ node(id: "x") { ... on Article { translation(locale: "KO") { title } } } }"#,
            r#"query($o: ArticleOrder = "LATEST") { articles(orderBy: $o) { totalCount } }"#,
        ] {
            assert!(check(query).is_some(), "{query}");
        }
    }

    #[test]
    fn enum_values_variables_and_string_arguments_pass() {
        for query in [
            r#"{ articles(orderBy: LATEST, locales: [JA], filter: { category: "kpop" }) { totalCount } }"#,
            r#"query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }"#,
            r#"{ article(slug: "LATEST") { id } __type(name: "Article") { name } }"#,
            r#"{ unknownField(orderBy: "LATEST") }"#,
        ] {
            assert_eq!(check(query), None, "{query}");
        }
    }
}
