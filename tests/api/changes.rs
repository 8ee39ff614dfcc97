//! The change feed: a partner that pages through `changes` ends up holding exactly what its
//! licence lets it see, whatever the writers did meanwhile and wherever it resumed.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use entity::{ApiRole, Locale};
use newswire::domain::editorial::{articles, media, tags};
use sea_orm::{sea_query::Expr, EntityTrait};
use serde_json::{json, Value};

use crate::helpers::{first_code, TestApp};

/// What a partner keeps of an article: its slug, its texts (language, title), its tags and its
/// photos.
type Copy = BTreeMap<String, Value>;

/// The fields of an upserted article a partner keeps.
const KEPT: &str =
    "slug translations { locale title } tags { slug } media { ... on Photo { url } }";

fn feed_query() -> String {
    format!(
        "query($since: String, $first: Int) {{ changes(since: $since, first: $first) {{
            edges {{ cursor node {{ kind reason articleId slug locale article {{ {KEPT} }} }} }}
            checkpoint listing pageInfo {{ hasNextPage }} }} }}"
    )
}

/// One page as read: each change with its cursor, the checkpoint after it, and whether more
/// follows.
struct Page {
    edges: Vec<(String, Value)>,
    checkpoint: String,
    more: bool,
    listing: bool,
}

async fn page(app: &TestApp, partner: &str, since: Option<&str>, first: i32) -> Page {
    let reply = app
        .post_as(
            partner,
            &feed_query(),
            json!({ "since": since, "first": first }),
        )
        .await;
    assert!(reply.body["errors"].is_null(), "{}", reply.text);
    let changes = &reply.body["data"]["changes"];
    Page {
        edges: changes["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["cursor"].as_str().unwrap().to_owned(), e["node"].clone()))
            .collect(),
        checkpoint: changes["checkpoint"].as_str().unwrap().to_owned(),
        more: changes["pageInfo"]["hasNextPage"] == true,
        listing: changes["listing"] == true,
    }
}

/// Applies one change to a partner's copy.
fn apply(copy: &mut Copy, change: &Value) {
    let id = change["articleId"].as_str().unwrap().to_owned();
    match (change["kind"].as_str().unwrap(), change["reason"].as_str()) {
        ("UPSERT", _) => {
            copy.insert(id, change["article"].clone());
        }
        ("TOMBSTONE", Some("TRANSLATION_WITHDRAWN")) => {
            if let Some(kept) = copy.get_mut(&id) {
                let locale = change["locale"].clone();
                kept["translations"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|t| t["locale"] != locale);
            }
        }
        // The article itself stays; only its old address goes.
        ("TOMBSTONE", Some("SLUG_CHANGED")) => {}
        ("TOMBSTONE", _) => {
            copy.remove(&id);
        }
        other => panic!("unknown change {other:?}: {change}"),
    }
}

/// Waits until every change written so far can be read: on PostgreSQL the feed stops at the
/// oldest transaction still running, and other tests' transactions run on the same cluster.
async fn settle(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let sql = "SELECT COALESCE(MAX(txid), 0) < pg_snapshot_xmin(pg_current_snapshot())::text::bigint FROM change_log";
    for _ in 0..200 {
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        if row.try_get_by_index::<bool>(0).unwrap() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("a transaction of the cluster stayed open for 5 s");
}

/// Reads from `since` to the end, applying every change to `copy`; returns the checkpoints
/// passed, each with the copy as it stood there.
async fn sync(
    app: &TestApp,
    partner: &str,
    mut since: Option<String>,
    copy: &mut Copy,
    first: i32,
) -> Vec<(String, Copy)> {
    let mut passed = Vec::new();
    settle(app).await;
    loop {
        let read = page(app, partner, since.as_deref(), first).await;
        for (cursor, change) in &read.edges {
            apply(copy, change);
            passed.push((cursor.clone(), copy.clone()));
        }
        passed.push((read.checkpoint.clone(), copy.clone()));
        since = Some(read.checkpoint);
        if !read.more {
            return passed;
        }
    }
}

/// What the partner may see now, read through the ordinary list.
async fn visible(app: &TestApp, partner: &str) -> Copy {
    let mut out = Copy::new();
    let mut after = Value::Null;
    loop {
        let reply = app
            .post_as(
                partner,
                &format!(
                    "query($after: String) {{ articles(first: 100, after: $after, orderBy: OLDEST) {{
                        nodes {{ id {KEPT} }} pageInfo {{ hasNextPage endCursor }} }} }}"
                ),
                json!({ "after": after }),
            )
            .await;
        assert!(reply.body["errors"].is_null(), "{}", reply.text);
        let list = &reply.body["data"]["articles"];
        for node in list["nodes"].as_array().unwrap() {
            let mut kept = node.clone();
            let id = kept.as_object_mut().unwrap().remove("id").unwrap();
            out.insert(id.as_str().unwrap().to_owned(), kept);
        }
        if list["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = list["pageInfo"]["endCursor"].clone();
    }
}

/// Creates a draft filed under `category` with English text titled `title`.
async fn draft(app: &TestApp, slug: &str, category: &str, title: &str) -> entity::article::Model {
    articles::create(
        &app.db,
        app.changes(),
        Utc::now(),
        articles::NewArticle {
            slug: slug.into(),
            category: category.into(),
            original: text(Locale::En, title),
            byline: None,
            source_url: None,
        },
    )
    .await
    .unwrap()
}

fn text(locale: Locale, title: &str) -> articles::ArticleText {
    articles::ArticleText {
        locale,
        title: title.to_owned(),
        summary: None,
        body: "<p>Body</p>".to_owned(),
    }
}

async fn newsroom() -> TestApp {
    // Replaying from every checkpoint reads far more than a partner's budget allows.
    let app = TestApp::spawn_with(|c| {
        c.budgets = "partner=1000000000/1000000000,editor=1000000000/1000000000"
            .parse()
            .unwrap()
    })
    .await;
    let kpop = app.category("kpop", None).await;
    app.category("comebacks", Some(kpop.id)).await;
    app.category("politics", None).await;
    for slug in ["idol", "tour"] {
        tags::create(
            &app.db,
            app.changes(),
            Utc::now(),
            tags::NewTag {
                slug: slug.into(),
                kind: entity::TagKind::Topic,
                names: vec![(Locale::En, slug.to_uppercase())],
            },
        )
        .await
        .unwrap();
    }
    app
}

/// A small deterministic random source, one per writer.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

/// One writer: `steps` edits on its own articles and on a shared one, of every kind that
/// concerns partners.
async fn writer(app: &TestApp, n: u64, steps: usize, shared: i64) {
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15 ^ ((n + 1) * 0x1234_5678));
    let mut own: Vec<i64> = Vec::new();
    let categories = ["kpop", "comebacks", "politics"];
    for step in 0..steps {
        let now = Utc::now();
        let (db, changes) = (&app.db, app.changes());
        let target = if own.is_empty() || dice.roll(5) == 0 {
            None
        } else {
            Some(own[dice.roll(own.len() as u64) as usize])
        };
        let result = match (target, dice.roll(12)) {
            (None, _) | (_, 0) => {
                let slug = format!("w{n}-s{step}");
                let locale = [Locale::En, Locale::Ko, Locale::Ja][dice.roll(3) as usize];
                let created = articles::create(
                    db,
                    changes,
                    now,
                    articles::NewArticle {
                        slug: slug.clone(),
                        category: categories[dice.roll(3) as usize].into(),
                        original: text(locale, &format!("{slug} original")),
                        byline: None,
                        source_url: None,
                    },
                )
                .await
                .unwrap();
                if locale != Locale::En {
                    articles::upsert_translation(
                        db,
                        changes,
                        now,
                        created.id,
                        text(Locale::En, &format!("{slug} in English")),
                    )
                    .await
                    .unwrap();
                }
                own.push(created.id);
                articles::publish(db, changes, now, created.id, None)
                    .await
                    .map(|_| ())
            }
            (Some(id), 1) => articles::upsert_translation(
                db,
                changes,
                now,
                id,
                text(Locale::En, &format!("edit {n}-{step}")),
            )
            .await
            .map(|_| ()),
            (Some(id), 2) => articles::delete_translation(db, changes, now, id, Locale::En)
                .await
                .map(|_| ()),
            (Some(id), 3) => articles::update(
                db,
                changes,
                now,
                id,
                articles::ArticlePatch {
                    slug: Some(format!("w{n}-renamed-{step}")),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
            (Some(id), 4) => articles::update(
                db,
                changes,
                now,
                id,
                articles::ArticlePatch {
                    category: Some(categories[dice.roll(3) as usize].into()),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
            (Some(id), 5) => articles::unpublish(db, changes, now, id).await.map(|_| ()),
            (Some(id), 6) => articles::publish(db, changes, now, id, None)
                .await
                .map(|_| ()),
            (Some(id), 7) => articles::archive(db, changes, now, id).await.map(|_| ()),
            (Some(id), 8) => {
                own.retain(|o| *o != id);
                articles::delete(db, changes, now, id).await.map(|_| ())
            }
            (Some(id), 9) => articles::set_rights(
                db,
                changes,
                now,
                id,
                articles::RightsPatch {
                    syndicatable: Some(dice.roll(2) == 0),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
            (Some(id), 10) => {
                let tag = ["idol", "tour"][dice.roll(2) as usize].to_owned();
                tags::set_article_tags(db, changes, now, id, &[tag])
                    .await
                    .map(|_| ())
            }
            (Some(_), _) => media::attach_photo(
                db,
                changes,
                now,
                shared,
                media::NewPhoto {
                    url: format!("https://img.example.org/w{n}-{step}.jpg"),
                    width: 800,
                    height: 600,
                    credit: None,
                    licence: None,
                    texts: Vec::new(),
                },
                None,
            )
            .await
            .map(|_| ()),
        };
        // Refusals (a translation that is the original, a slug taken) are part of the game.
        if let Err(e) = result {
            assert!(
                matches!(
                    e,
                    newswire::domain::DomainError::InvalidInput { .. }
                        | newswire::domain::DomainError::NotFound { .. }
                ),
                "writer {n} step {step}: {e}"
            );
        }
    }
}

#[tokio::test]
async fn a_partner_replaying_from_every_checkpoint_while_writers_write_converges() {
    let app = newsroom().await;
    let now = Utc::now();
    let shared = draft(&app, "shared", "kpop", "Shared").await;
    articles::publish(&app.db, app.changes(), now, shared.id, None)
        .await
        .unwrap();
    let partner = app
        .partner_key(&[Locale::En, Locale::Ko], &[("kpop", true)])
        .await;

    // The partner syncs while three writers publish, edit, move, withhold and delete.
    let mut copy = Copy::new();
    let mut passed: Vec<(String, Copy)> = Vec::new();
    let reading = async {
        let mut since: Option<String> = None;
        for _ in 0..40 {
            let read = page(&app, &partner, since.as_deref(), 4).await;
            for (cursor, change) in &read.edges {
                apply(&mut copy, change);
                passed.push((cursor.clone(), copy.clone()));
            }
            passed.push((read.checkpoint.clone(), copy.clone()));
            since = Some(read.checkpoint);
            tokio::task::yield_now().await;
        }
        since
    };
    let (since, (), (), ()) = tokio::join!(
        reading,
        writer(&app, 1, 25, shared.id),
        writer(&app, 2, 25, shared.id),
        writer(&app, 3, 25, shared.id),
    );
    passed.extend(sync(&app, &partner, since, &mut copy, 4).await);
    let expected = visible(&app, &partner).await;
    assert!(
        expected.len() >= 3,
        "the writers left something to see: {expected:?}"
    );
    assert_eq!(
        copy, expected,
        "the partner's copy after syncing to the end"
    );

    // From every checkpoint and every cursor, reading to the end gives the same copy.
    for (i, (checkpoint, held)) in passed.iter().enumerate() {
        let mut replayed = held.clone();
        sync(&app, &partner, Some(checkpoint.clone()), &mut replayed, 7).await;
        assert_eq!(replayed, expected, "replaying from checkpoint {i}");
    }
}

/// The kinds and reasons of the changes from `since` to the end, as (kind, reason, slug).
async fn changes_since(
    app: &TestApp,
    partner: &str,
    since: &str,
) -> (Vec<(String, String, String)>, String) {
    let mut out = Vec::new();
    let mut since = since.to_owned();
    settle(app).await;
    loop {
        let read = page(app, partner, Some(&since), 50).await;
        for (_, change) in read.edges {
            out.push((
                change["kind"].as_str().unwrap().to_owned(),
                change["reason"].as_str().unwrap_or("").to_owned(),
                change["slug"].as_str().unwrap().to_owned(),
            ));
        }
        since = read.checkpoint;
        if !read.more {
            return (out, since);
        }
    }
}

#[tokio::test]
async fn tombstones_say_why_and_drafts_scheduled_articles_and_licences_are_followed() {
    let app = newsroom().await;
    let (db, changes) = (&app.db, app.changes());
    let partner_secret = app
        .partner_key(&[Locale::En, Locale::Ko], &[("kpop", true)])
        .await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for slug in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"] {
        let row = draft(&app, slug, "kpop", slug).await;
        articles::upsert_translation(db, changes, now, row.id, text(Locale::Ko, slug))
            .await
            .unwrap();
        articles::publish(db, changes, now, row.id, None)
            .await
            .unwrap();
        ids.push(row.id);
    }
    let mut copy = Copy::new();
    let start = sync(&app, &partner_secret, None, &mut copy, 4).await;
    assert_eq!(copy.len(), 6);
    let checkpoint = start.last().unwrap().0.clone();

    // A draft, edited, never published: nothing at all.
    let secret = draft(&app, "secret-draft", "kpop", "Draft").await;
    articles::upsert_translation(db, changes, now, secret.id, text(Locale::Ko, "초안"))
        .await
        .unwrap();
    articles::delete(db, changes, now, secret.id).await.unwrap();

    articles::delete_translation(db, changes, now, ids[0], Locale::Ko)
        .await
        .unwrap();
    articles::update(
        db,
        changes,
        now,
        ids[1],
        articles::ArticlePatch {
            slug: Some("beta-renamed".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    articles::unpublish(db, changes, now, ids[2]).await.unwrap();
    articles::archive(db, changes, now, ids[3]).await.unwrap();
    articles::delete(db, changes, now, ids[4]).await.unwrap();
    articles::set_rights(
        db,
        changes,
        now,
        ids[5],
        articles::RightsPatch {
            syndicatable: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    let expected: Vec<(String, String, String)> = [
        ("TOMBSTONE", "TRANSLATION_WITHDRAWN", "alpha"),
        ("TOMBSTONE", "SLUG_CHANGED", "beta"),
        ("UPSERT", "", "beta-renamed"),
        ("TOMBSTONE", "UNPUBLISHED", "gamma"),
        ("TOMBSTONE", "ARCHIVED", "delta"),
        ("TOMBSTONE", "DELETED", "epsilon"),
        ("TOMBSTONE", "RIGHTS", "zeta"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(seen, expected);

    // A move out of the licence, and a licence that shrinks then grows back.
    articles::update(
        db,
        changes,
        now,
        ids[0],
        articles::ArticlePatch {
            category: Some("politics".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    assert_eq!(
        seen,
        [(
            "TOMBSTONE".to_owned(),
            "LICENCE".to_owned(),
            "alpha".to_owned()
        )]
    );
    let key_id: i64 = {
        let reply = app
            .post_as(&partner_secret, "{ viewer { keyId } }", json!({}))
            .await;
        reply.body["data"]["viewer"]["keyId"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let grant = |locales: Vec<Locale>, categories: Vec<&str>| {
        let grants = categories
            .into_iter()
            .map(|slug| newswire::domain::licences::CategoryGrant {
                slug: slug.into(),
                with_subcategories: true,
            })
            .collect::<Vec<_>>();
        async move {
            newswire::domain::licences::grant(db, changes, Utc::now(), key_id, &locales, &grants)
                .await
                .unwrap();
        }
    };
    grant(vec![Locale::En], vec!["politics"]).await;
    let (seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    assert_eq!(
        seen,
        [
            ("UPSERT".to_owned(), String::new(), "alpha".to_owned()),
            (
                "TOMBSTONE".to_owned(),
                "LICENCE".to_owned(),
                "beta-renamed".to_owned()
            ),
        ],
        "alpha is in politics now; beta leaves with K-pop"
    );
    // Another partner's licence changes are not this one's.
    app.partner_key(&[Locale::Ja], &[("kpop", true)]).await;
    let (seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    assert_eq!(seen, []);

    // A scheduled article appears when its time comes, with no write then.
    grant(vec![Locale::En], vec!["kpop"]).await;
    let (_, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    let soon = Utc::now() + Duration::seconds(2);
    let scheduled = draft(&app, "scheduled", "kpop", "Soon").await;
    articles::publish(db, changes, Utc::now(), scheduled.id, Some(soon))
        .await
        .unwrap();
    let (seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    assert_eq!(seen, [], "nothing before its time");
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    // The first reading releases the change; on PostgreSQL it may be read by the next one.
    let (mut seen, checkpoint) = changes_since(&app, &partner_secret, &checkpoint).await;
    seen.extend(changes_since(&app, &partner_secret, &checkpoint).await.0);
    assert_eq!(
        seen,
        [("UPSERT".to_owned(), String::new(), "scheduled".to_owned())]
    );
}

#[tokio::test]
async fn an_expired_checkpoint_asks_for_a_resync_and_old_changes_are_pruned() {
    let app = TestApp::spawn_with(|c| c.changes_retention_hours = 1).await;
    app.category("kpop", None).await;
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    let now = Utc::now();
    for slug in ["one", "two", "three"] {
        let row = draft(&app, slug, "kpop", slug).await;
        articles::publish(&app.db, app.changes(), now, row.id, None)
            .await
            .unwrap();
    }
    // Listed, then read from the log a change at a time: the checkpoint is that change's age.
    let listing = page(&app, &partner, None, 10).await;
    assert_eq!(listing.edges.len(), 3);
    assert!(listing.listing, "its last page is still the listing's");
    let mut copy = Copy::new();
    let mut since = listing.checkpoint;
    let backdate = |at: chrono::DateTime<Utc>| {
        entity::change_log::Entity::update_many()
            .col_expr(entity::change_log::Column::RecordedAt, Expr::value(at))
            .exec(&app.db)
    };
    // Changes made after the listing began, backdated: read one, the checkpoint is as old.
    let first = first_id(&app).await;
    for byline in ["Desk", "Night desk"] {
        articles::update(
            &app.db,
            app.changes(),
            now,
            first,
            articles::ArticlePatch {
                byline: Some(Some(byline.into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    backdate(now - Duration::minutes(90)).await.unwrap();
    settle(&app).await;
    let read = page(&app, &partner, Some(&since), 1).await;
    assert!(!read.listing);
    for (_, change) in &read.edges {
        apply(&mut copy, change);
    }
    assert!(read.more);
    since = read.checkpoint;
    let refused = app
        .post_as(
            &partner,
            &feed_query(),
            json!({ "since": since, "first": 10 }),
        )
        .await;
    assert_eq!(
        first_code(&refused.body),
        "CHECKPOINT_EXPIRED",
        "{}",
        refused.text
    );
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("resync"), "{message}");

    // Past the window and its grace, rows are deleted by the next reading.
    backdate(now - Duration::hours(3)).await.unwrap();
    let fresh = page(&app, &partner, None, 10).await;
    assert_eq!(fresh.edges.len(), 3, "a resync lists everything again");
    let left = entity::change_log::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

async fn first_id(app: &TestApp) -> i64 {
    use sea_orm::QueryOrder;
    entity::article::Entity::find()
        .order_by_asc(entity::article::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn the_feed_needs_a_key_and_refuses_bad_checkpoints_and_sizes() {
    let app = newsroom().await;
    let anonymous = app.post(&feed_query(), json!({}), &[]).await;
    assert_eq!(first_code(&anonymous.body), "UNAUTHENTICATED");
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    for (vars, field) in [
        (json!({ "since": "not-a-checkpoint" }), "since"),
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
    ] {
        let refused = app.post_as(&partner, &feed_query(), vars.clone()).await;
        assert_eq!(
            first_code(&refused.body),
            "BAD_USER_INPUT",
            "{vars}: {}",
            refused.text
        );
        assert_eq!(refused.body["errors"][0]["extensions"]["field"], field);
    }
    // Editors read the feed as readers see the site.
    let editor = app.api_key(ApiRole::Editor).await;
    let read = page(&app, &editor, None, 10).await;
    assert!(read.more);
}

#[tokio::test]
async fn on_postgresql_a_change_committed_late_is_never_passed_by_its_readers() {
    use sea_orm::TransactionTrait;
    let app = newsroom().await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        // One writer at a time: SQLite commits in the order it numbers rows.
        return;
    }
    let partner = app.partner_key(&[Locale::En], &[("kpop", true)]).await;
    let now = Utc::now();
    let mut ids = Vec::new();
    for slug in ["early", "late"] {
        let row = draft(&app, slug, "kpop", slug).await;
        articles::publish(&app.db, app.changes(), now, row.id, None)
            .await
            .unwrap();
        ids.push(row.id);
    }
    let mut copy = Copy::new();
    let checkpoint = sync(&app, &partner, None, &mut copy, 10)
        .await
        .pop()
        .unwrap()
        .0;

    // Transaction A writes its change first and commits last; B commits in between.
    let a = app.db.begin().await.unwrap();
    newswire::domain::outbox::record(
        &a,
        Utc::now(),
        &[ids[0]],
        &newswire::domain::outbox::Entry::Article,
    )
    .await
    .unwrap();
    articles::upsert_translation(
        &app.db,
        app.changes(),
        Utc::now(),
        ids[1],
        text(Locale::En, "late, edited"),
    )
    .await
    .unwrap();
    let waiting = page(&app, &partner, Some(&checkpoint), 10).await;
    assert!(waiting.edges.is_empty(), "B waits behind A, still running");
    a.commit().await.unwrap();
    // Other transactions of the cluster may hold the feed back a moment; it never reorders.
    let mut slugs: Vec<String> = Vec::new();
    let mut since = waiting.checkpoint;
    for _ in 0..100 {
        let read = page(&app, &partner, Some(&since), 10).await;
        slugs.extend(
            read.edges
                .iter()
                .map(|(_, c)| c["slug"].as_str().unwrap().to_owned()),
        );
        since = read.checkpoint;
        if slugs.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        slugs,
        ["early", "late"],
        "A's change, then B's, none skipped"
    );
}
