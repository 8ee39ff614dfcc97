//! Reading tags: by slug, by kind in pages, and the tags of a page of articles.

use std::{collections::HashMap, sync::Arc};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use entity::{article_tag, tag, tag_name, TagKind};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, RelationTrait, Select,
};

use super::{
    columns::Columns, locale, locale::Locale, page::Page, validate, DomainError, DomainResult,
};
use crate::db::reads::ReadAll;

/// A tag with its names in every language it has one in.
#[derive(Debug, Clone)]
pub struct TagView {
    /// The tag.
    pub tag: Arc<tag::Model>,
    /// Its names.
    pub names: Arc<[tag_name::Model]>,
}

/// The tag with this slug.
pub async fn by_slug(db: &DatabaseConnection, slug: &str) -> DomainResult<Option<tag::Model>> {
    if !validate::is_slug(slug) {
        return Ok(None);
    }
    Ok(tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The tag with this id.
pub async fn by_id(db: &DatabaseConnection, id: i64) -> DomainResult<Option<tag::Model>> {
    Ok(tag::Entity::find_by_id(id).one(db).await?)
}

/// The names of each of these tags, by tag id.
pub async fn names_of(
    db: &DatabaseConnection,
    tag_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<tag_name::Model>>> {
    if tag_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = tag_name::Entity::find()
        .filter(tag_name::Column::TagId.is_in(tag_ids.iter().copied()))
        .order_by_asc(tag_name::Column::TagId)
        .order_by_asc(tag_name::Column::Locale)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<tag_name::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.tag_id).or_default().push(row);
    }
    Ok(map)
}

/// These tags with their names, by tag id.
pub async fn views(db: &DatabaseConnection, tags: Vec<tag::Model>) -> DomainResult<Vec<TagView>> {
    let ids: Vec<i64> = tags.iter().map(|t| t.id).collect();
    let mut names = names_of(db, &ids).await?;
    Ok(tags
        .into_iter()
        .map(|tag| TagView {
            names: names.remove(&tag.id).unwrap_or_default().into(),
            tag: Arc::new(tag),
        })
        .collect())
}

/// A tag and one of its names, as the statements below read them after their first columns.
struct NamedRow {
    tag_id: i64,
    slug: String,
    kind: TagKind,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    locale: Option<Locale>,
    name: Option<String>,
}

impl NamedRow {
    /// Reads the next columns, in the order [`select_named`] adds them.
    fn read(columns: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(NamedRow {
            tag_id: columns.value()?,
            slug: columns.value()?,
            kind: columns.mapped()?,
            created_at: columns.value()?,
            updated_at: columns.value()?,
            locale: columns.mapped()?,
            name: columns.value()?,
        })
    }
}

/// `select` reading [`NamedRow`]'s columns: each tag joined with each of its names.
fn select_named<E: EntityTrait>(select: Select<E>) -> Select<E> {
    select
        .column(tag::Column::Id)
        .column(tag::Column::Slug)
        .column(tag::Column::Kind)
        .column(tag::Column::CreatedAt)
        .column(tag::Column::UpdatedAt)
        .column(tag_name::Column::Locale)
        .column(tag_name::Column::Name)
}

/// Tags with their names, gathered from rows that come grouped by tag, names in locale order.
#[derive(Default)]
struct Gathered(HashMap<i64, (Arc<tag::Model>, Vec<tag_name::Model>)>);

impl Gathered {
    fn add(&mut self, row: NamedRow) {
        let (_, names) = self.0.entry(row.tag_id).or_insert_with(|| {
            let tag = tag::Model {
                id: row.tag_id,
                slug: row.slug,
                kind: row.kind,
                created_at: row.created_at,
                updated_at: row.updated_at,
            };
            (Arc::new(tag), Vec::new())
        });
        if let (Some(locale), Some(name)) = (row.locale, row.name) {
            if !names.iter().any(|n| n.locale == locale) {
                names.push(tag_name::Model {
                    tag_id: row.tag_id,
                    locale,
                    name,
                });
            }
        }
    }

    fn views(self) -> HashMap<i64, TagView> {
        self.0
            .into_iter()
            .map(|(id, (tag, names))| {
                (
                    id,
                    TagView {
                        tag,
                        names: names.into(),
                    },
                )
            })
            .collect()
    }
}

/// The tags of each of these articles with their names, in the editor's order, by article
/// id: one statement, whatever the number of articles, read by position.
pub async fn of_articles(
    db: &impl ReadAll,
    article_ids: &[i64],
) -> DomainResult<HashMap<i64, Vec<TagView>>> {
    if article_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statement = select_named(
        article_tag::Entity::find()
            .select_only()
            .column(article_tag::Column::ArticleId),
    )
    .join(JoinType::InnerJoin, article_tag::Relation::Tag.def())
    .join(JoinType::LeftJoin, tag::Relation::Name.def())
    .filter(article_tag::Column::ArticleId.is_in(article_ids.iter().copied()))
    .order_by_asc(article_tag::Column::ArticleId)
    .order_by_asc(article_tag::Column::Position)
    .order_by_asc(article_tag::Column::TagId)
    .order_by_asc(tag_name::Column::Locale)
    .into_query();
    // Rows come grouped by article, then tag; a tag's row and names are shared by every
    // article of the page that carries it.
    let mut gathered = Gathered::default();
    let mut links: Vec<(i64, i64)> = Vec::new();
    for result in db.read_all(&statement).await? {
        let mut columns = Columns::of(&result);
        let article_id: i64 = columns.value()?;
        let row = NamedRow::read(&mut columns)?;
        if links.last() != Some(&(article_id, row.tag_id)) {
            links.push((article_id, row.tag_id));
        }
        gathered.add(row);
    }
    Ok(linked(&links, &gathered.views()))
}

/// Which tags each of these articles carries, in the editor's order: (article id, tag id)
/// pairs grouped by article.
pub async fn links_of(db: &impl ReadAll, article_ids: &[i64]) -> DomainResult<Vec<(i64, i64)>> {
    if article_ids.is_empty() {
        return Ok(Vec::new());
    }
    let statement = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::ArticleId)
        .column(article_tag::Column::TagId)
        .filter(article_tag::Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(article_tag::Column::ArticleId)
        .order_by_asc(article_tag::Column::Position)
        .order_by_asc(article_tag::Column::TagId)
        .into_query();
    let mut links = Vec::new();
    for result in db.read_all(&statement).await? {
        let mut columns = Columns::of(&result);
        links.push((columns.value()?, columns.value()?));
    }
    Ok(links)
}

/// The tags with these ids, with their names, by tag id: one statement, read by position.
pub async fn named(db: &impl ReadAll, ids: &[i64]) -> DomainResult<HashMap<i64, TagView>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let statement = select_named(tag::Entity::find().select_only())
        .join(JoinType::LeftJoin, tag::Relation::Name.def())
        .filter(tag::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(tag::Column::Id)
        .order_by_asc(tag_name::Column::Locale)
        .into_query();
    let mut gathered = Gathered::default();
    for result in db.read_all(&statement).await? {
        gathered.add(NamedRow::read(&mut Columns::of(&result))?);
    }
    Ok(gathered.views())
}

/// The tags of each article of `links`, by article id, from `views`; a link to a tag
/// missing there is left out.
pub fn linked(links: &[(i64, i64)], views: &HashMap<i64, TagView>) -> HashMap<i64, Vec<TagView>> {
    let mut out: HashMap<i64, Vec<TagView>> = HashMap::new();
    for (article, tag) in links {
        if let Some(view) = views.get(tag) {
            out.entry(*article).or_default().push(view.clone());
        }
    }
    out
}

/// The name to show: the first preferred locale that has one, else Korean, else English,
/// else any.
pub fn localized<'a>(names: &'a [tag_name::Model], preferred: &[Locale]) -> Option<&'a str> {
    let has = |l: Locale| names.iter().any(|n| n.locale == l);
    let home = if has(Locale::Ko) {
        Locale::Ko
    } else {
        Locale::En
    };
    let chosen = locale::pick(preferred, has, home);
    names
        .iter()
        .find(|n| n.locale == chosen)
        .or_else(|| names.first())
        .map(|n| n.name.as_str())
}

/// A position in the list of tags: the slug of the last tag a client saw.
fn decode_cursor(cursor: &str) -> DomainResult<String> {
    let invalid = || DomainError::invalid("after", format!("`{cursor}` is not a tag cursor"));
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    raw.strip_prefix("T:")
        .filter(|slug| validate::is_slug(slug))
        .map(str::to_owned)
        .ok_or_else(invalid)
}

/// The cursor of `tag` in the list of tags.
pub fn cursor_of(tag: &tag::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("T:{}", tag.slug))
}

/// One page of tags (of one kind, if given) in slug order, after the cursor `after`.
pub async fn list(
    db: &DatabaseConnection,
    kind: Option<TagKind>,
    size: u64,
    after: Option<&str>,
) -> DomainResult<Page<tag::Model>> {
    let mut query = tag::Entity::find().order_by_asc(tag::Column::Slug);
    if let Some(kind) = kind {
        query = query.filter(tag::Column::Kind.eq(kind));
    }
    if let Some(cursor) = after {
        query = query.filter(tag::Column::Slug.gt(decode_cursor(cursor)?));
    }
    let items = query.limit(size + 1).all(db).await?;
    Ok(Page::of_one_more(items, size, after.is_some()))
}

/// How many tags there are (of one kind, if given).
pub async fn count(db: &DatabaseConnection, kind: Option<TagKind>) -> DomainResult<u64> {
    let mut query = tag::Entity::find();
    if let Some(kind) = kind {
        query = query.filter(tag::Column::Kind.eq(kind));
    }
    Ok(query.count(db).await?)
}
