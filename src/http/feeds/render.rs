//! Feeds written out: Atom 1.0 (RFC 4287) and RSS 2.0, by the `atom_syndication` and `rss`
//! crates, from one description of the feed.

use std::collections::BTreeMap;

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};

use super::query::{Cover, Entry};

/// One feed, whatever its format.
pub struct Feed<'a> {
    /// Its title.
    pub title: String,
    /// Its own address (without a format parameter).
    pub self_url: String,
    /// The page of the site it follows.
    pub page_url: String,
    /// Its language's BCP 47 code.
    pub language: &'a str,
    /// The same feed in every other language: code and address.
    pub translations: Vec<(&'static str, String)>,
    /// The site's address, for ids and category schemes.
    pub site_url: &'a str,
    /// The publisher, the author of entries without a byline.
    pub publisher: &'a str,
    /// Its entries, newest first.
    pub entries: &'a [Entry],
}

/// The dates of an entry, read from the API's RFC 3339 times.
struct Dates {
    published: Option<DateTime<FixedOffset>>,
    updated: DateTime<FixedOffset>,
}

fn dates(entry: &Entry) -> Dates {
    let parse = |text: &str| DateTime::parse_from_rfc3339(text).ok();
    let published = entry.published_at.as_deref().and_then(parse);
    let updated = parse(&entry.updated_at).or(published).unwrap_or_else(epoch);
    Dates { published, updated }
}

/// The time of an empty feed: it has never had an entry.
fn epoch() -> DateTime<FixedOffset> {
    DateTime::UNIX_EPOCH.fixed_offset()
}

impl Feed<'_> {
    /// When the feed last changed: its newest entry change.
    fn updated(&self) -> DateTime<FixedOffset> {
        self.entries
            .iter()
            .map(|e| dates(e).updated)
            .max()
            .unwrap_or_else(epoch)
    }

    /// The permanent id of an entry, the same whatever its slug becomes: a `tag:` URI
    /// (RFC 4151) of the site's host, the article's id and the feed's language.
    fn entry_id(&self, entry: &Entry) -> String {
        let host = self
            .site_url
            .split("://")
            .nth(1)
            .unwrap_or(self.site_url)
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost");
        format!("tag:{host},2026:article/{}/{}", entry.id, self.language)
    }

    fn scheme(&self, of: &str) -> String {
        format!("{}/{of}", self.site_url)
    }
}

/// The media type of an image, from its file name; `image/jpeg` when it does not say.
fn image_type(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("avif") => "image/avif",
        _ => "image/jpeg",
    }
}

fn enclosure_title(cover: &Cover) -> String {
    let size = format!("{}×{}", cover.width, cover.height);
    match &cover.alt {
        Some(alt) => format!("{alt} ({size})"),
        None => size,
    }
}

/// The feed as Atom 1.0.
pub fn atom(feed: &Feed<'_>) -> String {
    let atom_type = || Some("application/atom+xml".to_owned());
    let mut links = vec![
        atom::Link {
            href: feed.self_url.clone(),
            rel: "self".into(),
            mime_type: atom_type(),
            hreflang: Some(feed.language.to_owned()),
            ..Default::default()
        },
        atom::Link {
            href: feed.page_url.clone(),
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            hreflang: Some(feed.language.to_owned()),
            ..Default::default()
        },
    ];
    links.extend(feed.translations.iter().map(|(code, url)| atom::Link {
        href: url.clone(),
        rel: "alternate".into(),
        mime_type: atom_type(),
        hreflang: Some((*code).to_owned()),
        ..Default::default()
    }));
    let entries = feed
        .entries
        .iter()
        .map(|entry| atom_entry(feed, entry))
        .collect();
    let document = atom::Feed {
        title: atom::Text::plain(feed.title.clone()),
        id: feed.self_url.clone(),
        updated: feed.updated(),
        authors: vec![atom::Person {
            name: feed.publisher.to_owned(),
            uri: Some(feed.site_url.to_owned()),
            ..Default::default()
        }],
        generator: Some(atom::Generator {
            value: "newswire".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        links,
        entries,
        lang: Some(feed.language.to_owned()),
        ..Default::default()
    };
    document.to_string()
}

fn atom_entry(feed: &Feed<'_>, entry: &Entry) -> atom::Entry {
    let Dates { published, updated } = dates(entry);
    let mut links = vec![atom::Link {
        href: entry.canonical_url.clone(),
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        hreflang: Some(feed.language.to_owned()),
        title: Some(entry.title.clone()),
        ..Default::default()
    }];
    links.extend(
        entry
            .alternates
            .iter()
            .filter(|a| a.hreflang != feed.language)
            .map(|a| atom::Link {
                href: a.url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                hreflang: Some(a.hreflang.clone()),
                ..Default::default()
            }),
    );
    if let Some(cover) = &entry.cover_image {
        links.push(atom::Link {
            href: cover.url.clone(),
            rel: "enclosure".into(),
            mime_type: Some(image_type(&cover.url).into()),
            title: Some(enclosure_title(cover)),
            ..Default::default()
        });
    }
    let mut categories = vec![atom::Category {
        term: entry.category.slug.clone(),
        scheme: Some(feed.scheme("categories")),
        label: Some(entry.category.name.clone()),
    }];
    categories.extend(entry.tags.iter().map(|tag| atom::Category {
        term: tag.slug.clone(),
        scheme: Some(feed.scheme("tags")),
        label: Some(tag.name.clone()),
    }));
    atom::Entry {
        title: atom::Text::plain(entry.title.clone()),
        id: feed.entry_id(entry),
        updated,
        published,
        authors: vec![atom::Person {
            name: entry
                .byline
                .clone()
                .unwrap_or_else(|| feed.publisher.to_owned()),
            ..Default::default()
        }],
        categories,
        links,
        rights: Some(atom::Text::plain(entry.copyright.clone())),
        summary: entry.summary.clone().map(atom::Text::plain),
        content: Some(atom::Content {
            value: Some(entry.body.clone()),
            content_type: Some("html".into()),
            lang: Some(feed.language.to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The feed as RSS 2.0, with Atom links (`self`, and each entry's other language editions)
/// and Dublin Core creators, the two extensions feed readers know best.
pub fn rss(feed: &Feed<'_>) -> String {
    let atom_link = |href: &str, rel: &str, hreflang: &str, mime: &str| atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        hreflang: Some(hreflang.to_owned()),
        mime_type: Some(mime.to_owned()),
        ..Default::default()
    };
    let mut channel_links = vec![atom_link(
        &format!("{}?format=rss", feed.self_url),
        "self",
        feed.language,
        "application/rss+xml",
    )];
    channel_links.extend(feed.translations.iter().map(|(code, url)| {
        atom_link(
            &format!("{url}?format=rss"),
            "alternate",
            code,
            "application/rss+xml",
        )
    }));
    let items = feed
        .entries
        .iter()
        .map(|entry| {
            let Dates { published, updated } = dates(entry);
            let mut categories = vec![rss::Category {
                name: entry.category.name.clone(),
                domain: Some(feed.scheme("categories")),
            }];
            categories.extend(entry.tags.iter().map(|tag| rss::Category {
                name: tag.name.clone(),
                domain: Some(feed.scheme("tags")),
            }));
            let alternates = entry
                .alternates
                .iter()
                .filter(|a| a.hreflang != feed.language)
                .map(|a| atom_link(&a.url, "alternate", &a.hreflang, "text/html"))
                .collect::<Vec<_>>();
            rss::Item {
                title: Some(entry.title.clone()),
                link: Some(entry.canonical_url.clone()),
                description: entry.summary.clone(),
                categories,
                enclosure: entry.cover_image.as_ref().map(|cover| rss::Enclosure {
                    url: cover.url.clone(),
                    // RSS asks for a length; the size of the file is not known here.
                    length: "0".into(),
                    mime_type: image_type(&cover.url).into(),
                }),
                guid: Some(rss::Guid {
                    value: feed.entry_id(entry),
                    permalink: false,
                }),
                pub_date: Some(published.unwrap_or(updated).to_rfc2822()),
                content: Some(entry.body.clone()),
                atom_ext: (!alternates.is_empty())
                    .then_some(rss::extension::atom::AtomExtension { links: alternates }),
                dublin_core_ext: Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: vec![entry
                        .byline
                        .clone()
                        .unwrap_or_else(|| feed.publisher.to_owned())],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "atom".to_owned(),
        rss::extension::atom::NAMESPACE.to_owned(),
    );
    let channel = rss::Channel {
        title: feed.title.clone(),
        link: feed.page_url.clone(),
        description: feed.title.clone(),
        language: Some(feed.language.to_owned()),
        last_build_date: Some(feed.updated().to_rfc2822()),
        generator: Some(format!("newswire {}", env!("CARGO_PKG_VERSION"))),
        items,
        atom_ext: Some(rss::extension::atom::AtomExtension {
            links: channel_links,
        }),
        namespaces,
        ..Default::default()
    };
    channel.to_string()
}
