//! The `Article` and `ArticleTranslation` types, and the article root fields.

use std::sync::Arc;

use async_graphql::{dataloader::Loader, Context, Enum, InputObject, Object, ID};
use chrono::{Datelike, Utc};
use chrono_tz::Tz;
use entity::{article, article_translation};
use tokio::sync::OnceCell;

use super::{
    category::Category,
    connection::ArticleConnection,
    context::{self, preferences, Preferences},
    error::{bad_input, internal, DomainResultExt},
    ids::{self, Kind},
    in_order::{InOrder, InTurn},
    loaders::{LoadError, RequestLoader},
    locale::Locale,
    media::{self, Media, MediaKind, Photo, Shown},
    prefetch::{self, Known},
    scalars::{utc, DateTime},
    sharing::{ArticleAlternate, OpenGraph, OpenGraphImage},
    surrogate::{self, Shows},
    tag::Tag,
};
use crate::domain::{
    articles::{self, Standing},
    cursor,
    likes::LikeWindow as DomainWindow,
    locale::{self as domain_locale, Locale as DomainLocale},
    page::{self, PageRequest},
    related,
    translations::Headline,
};

/// Where an article stands in the editorial workflow. Readers only ever see PUBLISHED.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleStatus {
    /// Being written; not visible to readers.
    Draft,
    /// Released with a publish time still to come; visible from that moment.
    Scheduled,
    /// Out and visible to readers.
    Published,
    /// Withdrawn from the site.
    Archived,
}

impl From<ArticleStatus> for Standing {
    fn from(status: ArticleStatus) -> Self {
        match status {
            ArticleStatus::Draft => Standing::Draft,
            ArticleStatus::Scheduled => Standing::Scheduled,
            ArticleStatus::Published => Standing::Published,
            ArticleStatus::Archived => Standing::Archived,
        }
    }
}

impl From<Standing> for ArticleStatus {
    fn from(standing: Standing) -> Self {
        match standing {
            Standing::Draft => ArticleStatus::Draft,
            Standing::Scheduled => ArticleStatus::Scheduled,
            Standing::Published => ArticleStatus::Published,
            Standing::Archived => ArticleStatus::Archived,
        }
    }
}

/// The orders an article list can be read in; every order is keyset-paginated.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleOrder {
    /// Newest publish time first.
    #[default]
    Latest,
    /// Oldest publish time first.
    Oldest,
    /// Most recently changed first (text or metadata).
    RecentlyUpdated,
    /// Most likes of all time first. A count that changes during a walk can move an article
    /// across the cursor.
    MostLiked,
}

impl From<ArticleOrder> for cursor::ArticleOrder {
    fn from(order: ArticleOrder) -> Self {
        match order {
            ArticleOrder::Latest => cursor::ArticleOrder::Latest,
            ArticleOrder::Oldest => cursor::ArticleOrder::Oldest,
            ArticleOrder::RecentlyUpdated => cursor::ArticleOrder::RecentlyUpdated,
            ArticleOrder::MostLiked => cursor::ArticleOrder::MostLiked,
        }
    }
}

/// The span of time a like ranking counts over.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LikeWindow {
    /// Likes given in the last 24 hours.
    Day,
    /// Likes given in the last 7 days.
    #[default]
    Week,
    /// Likes given in the last 30 days.
    Month,
    /// All likes ever given.
    AllTime,
}

impl From<LikeWindow> for DomainWindow {
    fn from(window: LikeWindow) -> Self {
        match window {
            LikeWindow::Day => DomainWindow::Day,
            LikeWindow::Week => DomainWindow::Week,
            LikeWindow::Month => DomainWindow::Month,
            LikeWindow::AllTime => DomainWindow::AllTime,
        }
    }
}

/// Narrows an article list. All given conditions must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Only articles in the category with this slug.
    pub category: Option<String>,
    /// With `category`: include articles of its subcategories, at any depth (null: true).
    #[graphql(default_with = "Some(true)")]
    pub include_subcategories: Option<bool>,
    /// Only articles that have a translation in this language.
    pub available_in: Option<Locale>,
    /// Only articles published at or after this time.
    pub published_after: Option<DateTime>,
    /// Only articles published before this time.
    pub published_before: Option<DateTime>,
    /// Only articles changed at or after this time: the checkpoint of a syndication sync.
    pub updated_since: Option<DateTime>,
    /// Only articles in these states; default: PUBLISHED. Only editors and admins may ask
    /// for others (FORBIDDEN otherwise).
    pub status: Option<Vec<ArticleStatus>>,
    /// Only articles carrying the tag with this slug (an unknown slug is BAD_USER_INPUT).
    pub tag: Option<String>,
    /// Only articles with (true) or without (false) a video in their media list.
    pub has_video: Option<bool>,
    /// Only articles with (true) or without (false) a photo in their media list (the cover
    /// image does not count).
    pub has_photos: Option<bool>,
    /// Only articles whose title, summary, body or tag names, in any language, hold every
    /// word of this text. Words are found inside Japanese, Chinese and Thai sentences,
    /// Korean words with their particles, Vietnamese with or without tone marks, and
    /// Simplified and Traditional characters alike. Blank is BAD_USER_INPUT.
    pub search: Option<String>,
}

impl From<ArticleFilter> for articles::ArticleFilter {
    fn from(filter: ArticleFilter) -> Self {
        let utc = |t: Option<DateTime>| t.map(|t| t.0.with_timezone(&Utc));
        articles::ArticleFilter {
            category: filter.category,
            include_subcategories: filter.include_subcategories.unwrap_or(true),
            available_in: filter.available_in.map(Into::into),
            published_after: utc(filter.published_after),
            published_before: utc(filter.published_before),
            updated_since: utc(filter.updated_since),
            statuses: filter
                .status
                .map(|list| list.into_iter().map(Into::into).collect()),
            tag: filter.tag,
            has_video: filter.has_video,
            has_photos: filter.has_photos,
            search: filter.search,
        }
    }
}

/// A news article, served in the reader's language or the best fallback.
#[derive(Clone)]
pub struct Article {
    row: Arc<article::Model>,
    locales: Preferences,
    /// Its whole translations, loaded once for all the fields that read them.
    texts: OnceCell<Arc<[article_translation::Model]>>,
    /// The headlines of its translations, loaded once for the headline fields.
    headlines: OnceCell<Arc<[Headline]>>,
    /// Its served headline, when the statement that read the row chose it.
    served_headline: Option<Headline>,
}

impl Article {
    /// Wraps a row for a reader with these language preferences.
    pub fn new(row: impl Into<Arc<article::Model>>, locales: Preferences) -> Self {
        Article {
            row: row.into(),
            locales,
            texts: OnceCell::new(),
            headlines: OnceCell::new(),
            served_headline: None,
        }
    }

    /// The article with its served headline already chosen (`None`: not chosen, or not
    /// found among the preferred and original languages; the fields then find it).
    pub fn with_headline(mut self, headline: Option<Headline>) -> Self {
        self.served_headline = headline;
        self
    }

    /// The row id.
    pub fn row_id(&self) -> i64 {
        self.row.id
    }

    /// Its whole translations, loaded once per article.
    async fn texts(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<&[article_translation::Model]> {
        let loader = &context::loaders(ctx)?.translations;
        once(&self.texts, loader, self.row.id).await
    }

    /// The headlines of its translations, loaded once per article.
    async fn headlines(&self, ctx: &Context<'_>) -> async_graphql::Result<&[Headline]> {
        let loader = &context::loaders(ctx)?.headlines;
        once(&self.headlines, loader, self.row.id).await
    }

    /// The translation served to this reader, of those in `all`: the first preferred
    /// language the article has, else its original, else the first there is.
    fn serve<'a, T>(
        &self,
        all: &'a [T],
        locale: impl Fn(&T) -> DomainLocale,
    ) -> async_graphql::Result<&'a T> {
        let has = |l: DomainLocale| all.iter().any(|t| locale(t) == l);
        let chosen = domain_locale::pick(&self.locales, has, self.row.original_locale);
        all.iter()
            .find(|t| locale(t) == chosen)
            .or_else(|| all.first())
            .ok_or_else(|| {
                tracing::error!(article = self.row.id, "article has no translation");
                internal()
            })
    }

    /// The headline of the translation served to this reader.
    async fn served_headline(&self, ctx: &Context<'_>) -> async_graphql::Result<&Headline> {
        match &self.served_headline {
            Some(headline) => Ok(headline),
            None => self.serve(self.headlines(ctx).await?, |h| h.locale),
        }
    }

    /// The languages the article has a text in, in the newsroom's order.
    async fn editions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DomainLocale>> {
        let all = self.headlines(ctx).await?;
        Ok(DomainLocale::ALL
            .into_iter()
            .filter(|l| all.iter().any(|t| t.locale == *l))
            .collect())
    }

    /// Its syndication rights, when any are set.
    async fn rights(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Arc<entity::article_syndication::Model>>> {
        context::loaders(ctx)?
            .rights
            .load_one(self.row.id)
            .await
            .gql()
    }

    /// The address of the article's edition in `locale` on `site`.
    fn url(&self, site: &str, locale: DomainLocale) -> String {
        format!("{site}/{}/articles/{}", locale.code(), self.row.slug)
    }

    /// Its cover, media list and thumbnails.
    async fn all_media(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Arc<crate::domain::media::ArticleMedia>> {
        Ok(context::loaders(ctx)?
            .media
            .load_one(self.row.id)
            .await
            .gql()?
            .unwrap_or_default())
    }

    /// How its media are shown to this reader.
    fn shown(&self) -> Shown {
        Shown {
            locales: self.locales.clone(),
            original: self.row.original_locale,
        }
    }

    /// Its cover photo.
    async fn cover(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Photo>> {
        let media = self.all_media(ctx).await?;
        Ok(media
            .cover
            .clone()
            .map(|item| Photo::new(item, self.shown())))
    }

    /// The whole translation served to this reader.
    async fn served(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<&article_translation::Model> {
        self.serve(self.texts(ctx).await?, |t| t.locale)
    }
}

/// What `loader` has for article `id`, loaded into `cell` the first time it is asked for; an
/// article the loader knows nothing of has none.
async fn once<'a, T, L>(
    cell: &'a OnceCell<Arc<[T]>>,
    loader: &RequestLoader<L>,
    id: i64,
) -> async_graphql::Result<&'a [T]>
where
    L: Loader<i64, Value = Arc<[T]>, Error = LoadError>,
{
    let loaded = cell
        .get_or_try_init(|| async {
            let loaded = loader.load_one(id).await.gql()?;
            Ok::<_, async_graphql::Error>(loaded.unwrap_or_else(|| Arc::from(Vec::new())))
        })
        .await?;
    Ok(loaded)
}

fn in_zone(time: chrono::DateTime<Utc>, zone: Tz) -> DateTime {
    DateTime(time.with_timezone(&zone).fixed_offset())
}

/// A news article, served in the reader's language or the best fallback.
#[Object(cache_control(max_age = 60))]
impl Article {
    /// Opaque global id; `node(id:)` resolves it.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Article, self.row.id)
    }

    /// Unique, URL-safe and stable name, used in canonical URLs.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// Where the article stands in the editorial workflow. Readers only see PUBLISHED.
    async fn status(&self) -> ArticleStatus {
        articles::standing(&self.row, Utc::now()).into()
    }

    /// The section the article is filed under, named in the reader's language.
    async fn category(&self, ctx: &Context<'_>) -> async_graphql::Result<InOrder<Category>> {
        let row = context::loaders(ctx)?
            .category
            .load_one(self.row.category_id)
            .await
            .gql()?
            .ok_or_else(internal)?;
        Ok(InOrder(Category::from_shared(row, self.locales.clone())))
    }

    /// The language the article was written in.
    async fn original_locale(&self) -> Locale {
        self.row.original_locale.into()
    }

    /// The language `title`, `summary` and `body` are served in: the first of the reader's
    /// languages that the article has, else its original language.
    async fn locale(&self, ctx: &Context<'_>) -> async_graphql::Result<Locale> {
        Ok(self.served_headline(ctx).await?.locale.into())
    }

    /// Headline, in the served language.
    async fn title(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        Ok(&self.served_headline(ctx).await?.title)
    }

    /// Standfirst of one or two sentences, in the served language.
    async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(self.served_headline(ctx).await?.summary.as_deref())
    }

    /// Article text as sanitized HTML, in the served language.
    async fn body(&self, ctx: &Context<'_>) -> async_graphql::Result<&str> {
        Ok(&self.served(ctx).await?.body)
    }

    /// Every language the article can be read in, in the newsroom's order.
    async fn available_locales(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Locale>> {
        Ok(self
            .editions(ctx)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The canonical URL of every language edition, in the newsroom's order: the
    /// `hreflang` alternates of the article's page.
    async fn alternates(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ArticleAlternate>> {
        let site = context::config(ctx)?.site_url.trim_end_matches('/');
        Ok(self
            .editions(ctx)
            .await?
            .into_iter()
            .map(|locale| ArticleAlternate {
                locale: locale.into(),
                hreflang: locale.code().to_owned(),
                url: self.url(site, locale),
            })
            .collect())
    }

    /// Open Graph values for a share card, in the served language.
    async fn open_graph(&self, ctx: &Context<'_>) -> async_graphql::Result<OpenGraph> {
        let config = context::config(ctx)?;
        let served = self.served_headline(ctx).await?.clone();
        let others = self.editions(ctx).await?;
        Ok(OpenGraph {
            title: served.title,
            description: served.summary,
            url: self.url(config.site_url.trim_end_matches('/'), served.locale),
            locale: domain_locale::open_graph(served.locale).to_owned(),
            alternate_locales: others
                .into_iter()
                .filter(|l| *l != served.locale)
                .map(|l| domain_locale::open_graph(l).to_owned())
                .collect(),
            site_name: config.publisher.clone(),
            kind: "article".to_owned(),
            image: self.cover(ctx).await?.map(|photo| {
                let (url, width, height) = photo.dimensions();
                OpenGraphImage {
                    url,
                    width,
                    height,
                    alt: photo.alt_text(),
                }
            }),
        })
    }

    /// The cover photo, shown above the article and on cards; null if it has none.
    async fn cover_image(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<InOrder<Photo>>> {
        Ok(self.cover(ctx).await?.map(InOrder))
    }

    /// Photos and videos of the article, in the editor's order (the cover image is not
    /// among them).
    async fn media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only photos, or only videos.")] kind: Option<MediaKind>,
    ) -> async_graphql::Result<Vec<Media>> {
        let all = self.all_media(ctx).await?;
        let kind = kind.map(entity::MediaKind::from);
        Ok(all
            .list
            .iter()
            .filter(|item| kind.is_none_or(|k| item.row.kind == k))
            .map(|item| media::of_item(item.clone(), &all, self.shown()))
            .collect())
    }

    /// What the article is about: people, groups, topics, events, organizations and
    /// places, in the editor's order, named in the reader's language.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InOrder<Tag>>> {
        let tags = context::loaders(ctx)?
            .tags
            .load_one(self.row.id)
            .await
            .gql()?
            .unwrap_or_else(|| Arc::from([]));
        Ok(tags
            .iter()
            .map(|view| InOrder(Tag::new(view.clone(), self.locales.clone())))
            .collect())
    }

    /// Visible articles on the same subject: most tags shared first, then the same
    /// category, then the newest; never this article. Served in the same languages.
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (0 to 20; null: 5).", default_with = "Some(RELATED)")]
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<Article>> {
        let first = first.unwrap_or(RELATED);
        let limit = usize::try_from(first)
            .ok()
            .filter(|n| *n <= related::MAX_RELATED)
            .ok_or_else(|| {
                bad_input(
                    "first",
                    format!(
                        "`first` must be between 0 and {}, got {first}",
                        related::MAX_RELATED
                    ),
                )
            })?;
        let rows = context::loaders(ctx)?
            .related
            .load_one(self.row.id)
            .await
            .gql()?
            .unwrap_or_else(|| Arc::from([]));
        Ok(rows
            .iter()
            .take(limit)
            .map(|row| Article::new(row.clone(), self.locales.clone()))
            .collect())
    }

    /// The text in exactly this language, without fallback; null if there is none.
    async fn translation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language wanted.")] locale: Locale,
    ) -> async_graphql::Result<Option<InOrder<ArticleTranslation>>> {
        let wanted = DomainLocale::from(locale);
        let all = self.texts(ctx).await?;
        Ok(all
            .iter()
            .find(|t| t.locale == wanted)
            .map(|t| InOrder(ArticleTranslation::new(t.clone(), self.row.original_locale))))
    }

    /// Every translation, the original first, then in the newsroom's order of languages.
    async fn translations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<InOrder<ArticleTranslation>>> {
        let all = self.texts(ctx).await?;
        let mut list: Vec<InOrder<ArticleTranslation>> = all
            .iter()
            .map(|t| InOrder(ArticleTranslation::new(t.clone(), self.row.original_locale)))
            .collect();
        list.sort_by_key(|t| (!t.0.is_original_row(), t.0.row.locale));
        Ok(list)
    }

    /// When the article was (or will be) released, RFC 3339 with the offset of the zone asked
    /// for. Null for an article never published.
    async fn published_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "IANA time zone such as `Asia/Seoul` or `UTC`; default: the server's zone (Asia/Seoul unless configured)."
        )]
        time_zone: Option<String>,
    ) -> async_graphql::Result<Option<DateTime>> {
        let zone = context::time_zone(ctx, time_zone)?;
        Ok(self.row.published_at.map(|t| in_zone(t, zone)))
    }

    /// When the article or any of its translations last changed.
    async fn updated_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "IANA time zone such as `Asia/Seoul` or `UTC`; default: the server's zone."
        )]
        time_zone: Option<String>,
    ) -> async_graphql::Result<DateTime> {
        let zone = context::time_zone(ctx, time_zone)?;
        Ok(in_zone(self.row.updated_at, zone))
    }

    /// Who wrote it.
    async fn byline(&self) -> Option<&str> {
        self.row.byline.as_deref()
    }

    /// Where the story came from, when it came from elsewhere.
    async fn source_url(&self) -> Option<&str> {
        self.row.source_url.as_deref()
    }

    /// Whether partners may carry the article; partners never see one they may not.
    async fn syndicatable(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.rights(ctx).await?.is_none_or(|r| r.syndicatable))
    }

    /// The credit partners must print with the article.
    async fn credit(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.rights(ctx).await?.and_then(|r| r.credit.clone()))
    }

    /// Partners may not show the article before this time (UTC); readers are not concerned.
    async fn embargo_until(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime>> {
        Ok(self
            .rights(ctx)
            .await?
            .and_then(|r| r.embargo_until)
            .map(utc))
    }

    /// Partners may not show the article from this time on (UTC); readers are not concerned.
    async fn expires_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime>> {
        Ok(self.rights(ctx).await?.and_then(|r| r.expires_at).map(utc))
    }

    /// The article's public address in the served language.
    async fn canonical_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let locale = self.served_headline(ctx).await?.locale;
        let site = context::config(ctx)?.site_url.trim_end_matches('/');
        Ok(self.url(site, locale))
    }

    /// The copyright line to print with the article.
    async fn copyright(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let config = context::config(ctx)?;
        let year = in_zone(
            self.row.published_at.unwrap_or(self.row.created_at),
            config.time_zone,
        )
        .0
        .year();
        Ok(format!(
            "© {year} {}. All rights reserved.",
            config.publisher
        ))
    }

    /// How many readers like the article.
    async fn like_count(&self) -> i32 {
        self.row.like_count
    }

    /// Whether the reader asking likes the article.
    #[graphql(cache_control(private))]
    async fn viewer_has_liked(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(context::loaders(ctx)?
            .liked
            .load_one(self.row.id)
            .await
            .gql()?
            .unwrap_or(false))
    }
}

/// Every field an article has that reads the database reads what `prefetch` fetches for the
/// root fields that list articles.
impl InTurn for Article {
    const WAITING: &'static [&'static str] = &[];
}

/// An article's text in one language.
#[derive(Clone)]
pub struct ArticleTranslation {
    row: article_translation::Model,
    original: DomainLocale,
}

impl ArticleTranslation {
    fn new(row: article_translation::Model, original: DomainLocale) -> Self {
        ArticleTranslation { row, original }
    }

    fn is_original_row(&self) -> bool {
        self.row.locale == self.original
    }
}

/// An article's text in one language.
#[Object(cache_control(max_age = 60))]
impl ArticleTranslation {
    /// The language of this text.
    async fn locale(&self) -> Locale {
        self.row.locale.into()
    }

    /// Headline.
    async fn title(&self) -> &str {
        &self.row.title
    }

    /// Standfirst of one or two sentences.
    async fn summary(&self) -> Option<&str> {
        self.row.summary.as_deref()
    }

    /// Article text as sanitized HTML.
    async fn body(&self) -> &str {
        &self.row.body
    }

    /// When this text last changed.
    async fn updated_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "IANA time zone; default: the server's zone.")] time_zone: Option<String>,
    ) -> async_graphql::Result<DateTime> {
        let zone = context::time_zone(ctx, time_zone)?;
        Ok(in_zone(self.row.updated_at, zone))
    }

    /// Whether this is the language the article was written in.
    async fn is_original(&self) -> bool {
        self.is_original_row()
    }
}

/// An article's text in one language is at hand when the text is.
impl InTurn for ArticleTranslation {
    const WAITING: &'static [&'static str] = &[];
}

/// Root fields that read articles.
#[derive(Default)]
pub struct ArticleQuery;

#[Object]
impl ArticleQuery {
    /// One article, by global id or by slug (exactly one of the two). Null if there is no such
    /// article or the requester cannot see it: readers and partners see published articles,
    /// editors and admins every article that is not deleted.
    async fn article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: Option<ID>,
        #[graphql(desc = "The article's slug.")] slug: Option<String>,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Option<InOrder<Article>>> {
        let db = context::db(ctx)?;
        let now = Utc::now();
        let row = match (id, slug) {
            (Some(id), None) => {
                let row_id = ids::decode_as("id", Kind::Article, &id)?;
                articles::find(db, &context::audience(ctx)?, now, row_id)
                    .await
                    .gql()?
            }
            (None, Some(slug)) => articles::find_by_slug(db, &context::audience(ctx)?, now, &slug)
                .await
                .gql()?,
            _ => return Err(bad_input("id", "pass exactly one of `id` and `slug`")),
        };
        if let Some(row) = &row {
            prefetch::articles(ctx, &[ctx.look_ahead()], &[row], Known::default()).await?;
        }
        let locales = preferences(ctx, locales)?;
        Ok(row.map(|r| InOrder(Article::new(r, locales))))
    }

    /// Visible articles, filtered and ordered, as a Relay connection with keyset cursors.
    #[allow(clippy::too_many_arguments)]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor: only articles after this one.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Cursor: only articles before this one.")] before: Option<String>,
        #[graphql(desc = "Conditions the articles must meet.")] filter: Option<ArticleFilter>,
        #[graphql(
            desc = "Order of the list (null: LATEST).",
            default_with = "Some(ArticleOrder::Latest)"
        )]
        order_by: Option<ArticleOrder>,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<ArticleConnection> {
        let page = PageRequest::new(first, after, last, before).gql()?;
        let filter = articles::ArticleFilter::from(filter.unwrap_or_else(default_filter))
            .resolve(
                context::db(ctx)?,
                context::directory(ctx)?,
                context::audience(ctx)?,
            )
            .await
            .gql()?;
        ArticleConnection::load(
            ctx,
            filter,
            order_by.unwrap_or_default().into(),
            page,
            preferences(ctx, locales)?,
        )
        .await
    }

    /// The visible articles with the most likes in a window of time, most liked first. The
    /// ranking is recounted at most every few seconds (10 by default); like counts and
    /// visibility are always current.
    async fn most_liked(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which likes count (null: WEEK).",
            default_with = "Some(LikeWindow::Week)"
        )]
        window: Option<LikeWindow>,
        #[graphql(
            desc = "How many (0 to 100; null: 10).",
            default_with = "Some(MOST_LIKED)"
        )]
        first: Option<i32>,
        #[graphql(desc = "Only this category (slug) and its subcategories.")] category: Option<
            String,
        >,
        #[graphql(
            desc = "Languages wanted, first preferred; default: Accept-Language, then the server's defaults."
        )]
        locales: Option<Vec<Locale>>,
    ) -> async_graphql::Result<Vec<InOrder<Article>>> {
        let db = context::db(ctx)?;
        let limit = page::page_size("first", first.unwrap_or(MOST_LIKED)).gql()?;
        let scope = match category {
            Some(slug) => Some(
                context::directory(ctx)?
                    .scope(db, "category", &slug, true)
                    .await
                    .gql()?,
            ),
            None => None,
        };
        let rows = context::rankings(ctx)?
            .most_liked(
                db,
                &context::audience(ctx)?,
                Utc::now(),
                window.unwrap_or_default().into(),
                limit,
                scope.as_deref(),
            )
            .await
            .gql()?;
        let refs: Vec<&article::Model> = rows.iter().collect();
        surrogate::note(ctx, [Shows::Articles]);
        prefetch::articles(ctx, &[ctx.look_ahead()], &refs, Known::default()).await?;
        let locales = preferences(ctx, locales)?;
        Ok(rows
            .into_iter()
            .map(|r| InOrder(Article::new(r, locales.clone())))
            .collect())
    }
}

/// How many related articles `Article.related` lists when not told.
const RELATED: i32 = 5;

/// How many articles `mostLiked` lists when not told.
const MOST_LIKED: i32 = 10;

/// The filter used when a list is given none (subcategories included).
pub fn default_filter() -> ArticleFilter {
    ArticleFilter {
        include_subcategories: Some(true),
        ..ArticleFilter::default()
    }
}
