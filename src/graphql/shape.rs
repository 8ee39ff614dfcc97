//! The shape of the schema, read from its SDL (a public, stable description of it): for every
//! field of every object and interface, its arguments with their types and defaults and the
//! type it returns; for every input object, its fields; and which types are enums.
//!
//! The checks that read a document before async-graphql runs it ([`super::enum_literals`],
//! [`super::limits`]) walk it with this shape, so they know what each argument expects.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    parser::types::{
        BaseType, ExecutableDocument, Field as Selected, InlineFragment, OperationType,
        SelectionSet, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
    },
    Name, Positioned, Value, Variables,
};

/// An argument: its type and its default, if it has one.
#[derive(Debug, Clone)]
pub struct Argument {
    /// Its declared type.
    pub ty: Type,
    /// Its default value.
    pub default: Option<Value>,
}

/// A field of an object or interface.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// Its arguments, by name.
    pub arguments: HashMap<String, Argument>,
    /// The named type it returns, under its lists and non-nulls.
    pub returns: String,
}

/// The shape of a schema.
#[derive(Debug, Default)]
pub struct Shape {
    fields: HashMap<String, HashMap<String, Field>>,
    inputs: HashMap<String, HashMap<String, Type>>,
    enums: HashSet<String>,
    roots: [Option<String>; 3],
}

impl Shape {
    /// The shape of the schema whose SDL is `sdl`; `None` if it does not parse.
    pub fn from_sdl(sdl: &str) -> Option<Self> {
        let document: ServiceDocument = async_graphql::parser::parse_schema(sdl).ok()?;
        let mut shape = Shape {
            roots: [
                Some("Query".into()),
                Some("Mutation".into()),
                Some("Subscription".into()),
            ],
            ..Shape::default()
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    let name = |n: Option<Positioned<Name>>| n.map(|n| n.node.to_string());
                    shape.roots = [
                        name(schema.query),
                        name(schema.mutation),
                        name(schema.subscription),
                    ];
                }
                TypeSystemDefinition::Type(ty) => {
                    shape.add(ty.node.name.node.to_string(), ty.node.kind)
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Some(shape)
    }

    fn add(&mut self, name: String, kind: TypeKind) {
        let fields = match kind {
            TypeKind::Object(object) => object.fields,
            TypeKind::Interface(interface) => interface.fields,
            TypeKind::Enum(_) => {
                self.enums.insert(name);
                return;
            }
            TypeKind::InputObject(input) => {
                let fields = input
                    .fields
                    .into_iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                    .collect();
                self.inputs.insert(name, fields);
                return;
            }
            TypeKind::Scalar | TypeKind::Union(_) => return,
        };
        let fields = fields
            .into_iter()
            .map(|field| {
                let field = field.node;
                let arguments = field
                    .arguments
                    .into_iter()
                    .map(|a| {
                        let argument = Argument {
                            ty: a.node.ty.node,
                            default: a.node.default_value.map(|d| d.node),
                        };
                        (a.node.name.node.to_string(), argument)
                    })
                    .collect();
                let returns = named(&field.ty.node).to_owned();
                (field.name.node.to_string(), Field { arguments, returns })
            })
            .collect();
        self.fields.insert(name, fields);
    }

    /// The field `name` of the object or interface `parent`; `None` for what the schema does
    /// not declare (introspection's `__schema`, a typo), which validation reports.
    pub fn field(&self, parent: &str, name: &str) -> Option<&Field> {
        self.fields.get(parent)?.get(name)
    }

    /// The fields of the input object `name`.
    pub fn input(&self, name: &str) -> Option<&HashMap<String, Type>> {
        self.inputs.get(name)
    }

    /// Whether `name` is an enum.
    pub fn is_enum(&self, name: &str) -> bool {
        self.enums.contains(name)
    }

    /// The type an operation of kind `ty` starts from, if the schema has one.
    pub fn root(&self, ty: OperationType) -> Option<&str> {
        let index = match ty {
            OperationType::Query => 0,
            OperationType::Mutation => 1,
            OperationType::Subscription => 2,
        };
        self.roots[index].as_deref()
    }

    /// The selection set of the fragment `name` and the type it applies to.
    pub fn fragment<'a>(
        document: &'a ExecutableDocument,
        name: &str,
    ) -> Option<(&'a SelectionSet, &'a str)> {
        let fragment = &document.fragments.get(name)?.node;
        Some((
            &fragment.selection_set.node,
            fragment.type_condition.node.on.node.as_str(),
        ))
    }
}

/// The type an inline fragment applies to: its condition's, else that of the selection it
/// stands in.
pub fn fragment_type<'a>(fragment: &'a InlineFragment, parent: &'a str) -> &'a str {
    fragment
        .type_condition
        .as_ref()
        .map_or(parent, |c| c.node.on.node.as_str())
}

/// The value of `field`'s argument `name` as written, with its variables taken from
/// `variables` (null when none are given, or when the request leaves one out); `None` when the
/// field does not name the argument.
pub fn argument(field: &Selected, name: &str, variables: Option<&Variables>) -> Option<Value> {
    let value = field.get_argument(name)?;
    let resolved = value.node.clone().into_const_with(|variable| {
        Ok::<_, ()>(
            variables
                .and_then(|v| v.get(&variable).cloned())
                .unwrap_or(Value::Null),
        )
    });
    Some(resolved.unwrap_or(Value::Null))
}

/// The named type at the bottom of `ty`'s lists.
pub fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_reads_back_from_its_sdl() {
        let shape = Shape::from_sdl(&crate::graphql::sdl()).expect("the SDL parses");
        let articles = shape.field("Query", "articles").expect("Query.articles");
        assert_eq!(articles.returns, "ArticleConnection");
        assert_eq!(
            articles.arguments["orderBy"].default,
            Some(Value::Enum(Name::new("LATEST")))
        );
        let most_liked = shape.field("Query", "mostLiked").expect("Query.mostLiked");
        assert_eq!(most_liked.arguments["first"].default, Some(Value::from(10)));
        assert!(shape.is_enum("Locale"));
        assert!(shape.input("ArticleFilter").is_some());
        assert_eq!(shape.root(OperationType::Mutation), Some("Mutation"));
        assert_eq!(
            shape.root(OperationType::Subscription),
            Some("Subscription")
        );
    }
}
