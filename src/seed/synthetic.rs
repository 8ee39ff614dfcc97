//! Synthetic content at any scale, for load tests and benchmarks: a category tree of about
//! forty, articles over three years with about four translations each in all eight scripts,
//! a skewed like distribution (a few hits, a long tail) and some drafts; a cover photo on
//! every article, a video on one in ten, and zero to three of a few hundred tags (popular
//! ones much more often), all indexed for search.
//!
//! Rows go in with multi-row INSERTs, a thousand articles per transaction, and the output is
//! the same for the same N (a fixed random seed).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{
    article, article_like, article_tag, article_translation, category, category_translation, media,
    media_text, tag, tag_name, ArticleStatus, Locale, MediaRole, TagKind,
};
use futures_util::{stream, StreamExt};
use rand::{rngs::StdRng, seq::IndexedRandom, Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend,
    DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::visuals;
use crate::domain::search::{self, index::Document};

/// Articles per transaction.
const BATCH: u64 = 1000;
/// Translations per INSERT statement (seven parameters each).
const TEXT_ROWS_PER_INSERT: usize = 1000;
/// Likes per INSERT statement (three parameters each).
const LIKE_ROWS_PER_INSERT: usize = 5000;
/// Batches written at once on PostgreSQL.
const PARALLEL_WRITERS: usize = 4;
/// How many synthetic tags there are.
const TAGS: usize = 300;
/// What synthetic tags are called in each locale, before their number.
const TAG_NAMES: [&str; 8] = [
    "아티스트",
    "アーティスト",
    "Artist ",
    "艺人",
    "藝人",
    "ศิลปิน",
    "Artis ",
    "Nghệ sĩ ",
];

/// Phrases one locale's synthetic text is composed from.
struct Phrases {
    subjects: &'static [&'static str],
    predicates: &'static [&'static str],
    sentences: &'static [&'static str],
}

fn phrases(locale: Locale) -> Phrases {
    match locale {
        Locale::Ko => Phrases {
            subjects: &["그룹 스텔라웨이브", "배우 한서윤", "서울시의회", "가수 민도현", "드라마 '푸른 항구'", "인천 유나이티드 FC"],
            predicates: &["새 앨범으로 컴백 예고", "팬미팅 일정 공개", "예산안 처리 합의", "월드투어 추가 공연 확정", "시청률 자체 최고 경신", "홈 경기 3연승 달성"],
            sentences: &["관계자는 이번 일정이 오랜 준비 끝에 확정됐다고 밝혔다.", "팬들은 온라인 커뮤니티에서 뜨거운 반응을 보이고 있다.", "업계에서는 하반기 흐름을 가늠할 분수령으로 보고 있다.", "자세한 내용은 다음 주 공식 발표를 통해 공개될 예정이다.", "현장에는 이른 아침부터 많은 시민이 모였다."],
        },
        Locale::Ja => Phrases {
            subjects: &["グループ「ステラウェーブ」", "俳優ハン・ソユン", "ソウル市議会", "歌手ミン・ドヒョン", "ドラマ『青い港』", "仁川ユナイテッドFC"],
            predicates: &["新アルバムでカムバックを予告", "ファンミーティングの日程を発表", "予算案の処理で合意", "ワールドツアーの追加公演が決定", "視聴率で自己最高を更新", "ホームで3連勝を達成"],
            sentences: &["関係者によると、今回の日程は長い準備の末に決まった。", "ファンはオンライン上で熱い反応を見せている。", "業界では下半期の流れを占う分岐点とみられている。", "詳細は来週の公式発表で明らかになる予定だ。", "現場には朝早くから多くの市民が集まった。"],
        },
        Locale::En => Phrases {
            subjects: &["Group Stellawave", "Actor Han Seo-yoon", "The Seoul city council", "Singer Min Do-hyun", "The drama 'Blue Harbour'", "Incheon United FC"],
            predicates: &["teases a comeback with a new album", "announces fan meeting dates", "agrees on the budget bill", "adds shows to its world tour", "hits a record audience share", "wins a third straight home game"],
            sentences: &["Organisers said the schedule was fixed after months of preparation.", "Fans reacted warmly across online communities.", "The industry sees it as a bellwether for the second half of the year.", "Details are due in an official announcement next week.", "Crowds gathered at the venue from early in the morning."],
        },
        Locale::ZhHans => Phrases {
            subjects: &["组合星澜", "演员韩瑞允", "首尔市议会", "歌手闵道贤", "电视剧《蓝色港湾》", "仁川联足球俱乐部"],
            predicates: &["预告携新专辑回归", "公布粉丝见面会日程", "就预算案达成一致", "世界巡演确定加场", "收视率创下新高", "主场取得三连胜"],
            sentences: &["相关人士表示，此次日程是经过长期准备后确定的。", "粉丝们在网络社区反应热烈。", "业界认为这是判断下半年走势的分水岭。", "详细内容将在下周的官方公告中公布。", "现场从清晨起就聚集了大量市民。"],
        },
        Locale::ZhHant => Phrases {
            subjects: &["組合星瀾", "演員韓瑞允", "首爾市議會", "歌手閔道賢", "電視劇《藍色港灣》", "仁川聯足球俱樂部"],
            predicates: &["預告攜新專輯回歸", "公布粉絲見面會日程", "就預算案達成一致", "世界巡演確定加場", "收視率創下新高", "主場取得三連勝"],
            sentences: &["相關人士表示，此次日程是經過長期準備後確定的。", "粉絲們在網路社群反應熱烈。", "業界認為這是判斷下半年走勢的分水嶺。", "詳細內容將在下週的官方公告中公布。", "現場從清晨起就聚集了大量市民。"],
        },
        Locale::Th => Phrases {
            subjects: &["วงสเตลลาเวฟ", "นักแสดงฮันซอยุน", "สภากรุงโซล", "นักร้องมินโดฮยอน", "ละครเรื่อง 'ท่าเรือสีคราม'", "สโมสรอินชอนยูไนเต็ด"],
            predicates: &["ประกาศคัมแบ็กพร้อมอัลบั้มใหม่", "เปิดตารางแฟนมีตติ้ง", "บรรลุข้อตกลงเรื่องงบประมาณ", "เพิ่มรอบเวิลด์ทัวร์", "ทำเรตติ้งสูงสุดเป็นประวัติการณ์", "ชนะในบ้านสามนัดติด"],
            sentences: &["ผู้เกี่ยวข้องระบุว่ากำหนดการนี้ได้ข้อสรุปหลังการเตรียมงานหลายเดือน", "แฟนๆ ต่างแสดงความยินดีในชุมชนออนไลน์", "วงการมองว่านี่คือจุดชี้วัดทิศทางของครึ่งปีหลัง", "รายละเอียดจะประกาศอย่างเป็นทางการในสัปดาห์หน้า", "ประชาชนจำนวนมากมารวมตัวกันตั้งแต่เช้าตรู่"],
        },
        Locale::Id => Phrases {
            subjects: &["Grup Stellawave", "Aktris Han Seo-yoon", "Dewan Kota Seoul", "Penyanyi Min Do-hyun", "Drama 'Pelabuhan Biru'", "Incheon United FC"],
            predicates: &["umumkan comeback dengan album baru", "rilis jadwal jumpa penggemar", "sepakati rancangan anggaran", "tambah konser tur dunia", "cetak rating tertinggi", "raih tiga kemenangan kandang beruntun"],
            sentences: &["Pihak penyelenggara mengatakan jadwal ditetapkan setelah persiapan berbulan-bulan.", "Para penggemar menyambut hangat kabar ini di media sosial.", "Industri melihatnya sebagai penentu arah paruh kedua tahun ini.", "Rincian akan diumumkan secara resmi pekan depan.", "Warga sudah berkumpul di lokasi sejak pagi."],
        },
        Locale::Vi => Phrases {
            subjects: &["Nhóm Stellawave", "Diễn viên Han Seo-yoon", "Hội đồng thành phố Seoul", "Ca sĩ Min Do-hyun", "Phim truyền hình 'Bến cảng xanh'", "CLB Incheon United"],
            predicates: &["hé lộ màn trở lại với album mới", "công bố lịch họp mặt người hâm mộ", "đạt thỏa thuận về dự toán ngân sách", "bổ sung đêm diễn cho chuyến lưu diễn thế giới", "lập kỷ lục tỷ suất người xem", "thắng ba trận sân nhà liên tiếp"],
            sentences: &["Phía tổ chức cho biết lịch trình được chốt sau nhiều tháng chuẩn bị.", "Người hâm mộ phản ứng sôi nổi trên các cộng đồng mạng.", "Giới trong ngành xem đây là phép thử cho nửa cuối năm.", "Thông tin chi tiết sẽ được công bố chính thức vào tuần tới.", "Rất đông người dân đã tập trung tại địa điểm từ sáng sớm."],
        },
    }
}

/// Top-level sections and, per locale, their names.
const SECTIONS: [(&str, [&str; 8]); 8] = [
    (
        "kpop",
        [
            "케이팝",
            "K-POP",
            "K-Pop",
            "韩流音乐",
            "韓流音樂",
            "เคป็อป",
            "K-Pop",
            "K-Pop",
        ],
    ),
    (
        "drama",
        [
            "드라마",
            "ドラマ",
            "Drama",
            "电视剧",
            "電視劇",
            "ละคร",
            "Drama",
            "Phim truyền hình",
        ],
    ),
    (
        "film",
        [
            "영화",
            "映画",
            "Film",
            "电影",
            "電影",
            "ภาพยนตร์",
            "Film",
            "Điện ảnh",
        ],
    ),
    (
        "variety",
        [
            "예능",
            "バラエティ",
            "Variety",
            "综艺",
            "綜藝",
            "วาไรตี้",
            "Variety",
            "Giải trí",
        ],
    ),
    (
        "society",
        [
            "사회",
            "社会",
            "Society",
            "社会",
            "社會",
            "สังคม",
            "Sosial",
            "Xã hội",
        ],
    ),
    (
        "politics",
        [
            "정치",
            "政治",
            "Politics",
            "政治",
            "政治",
            "การเมือง",
            "Politik",
            "Chính trị",
        ],
    ),
    (
        "north-korea",
        [
            "북한",
            "北朝鮮",
            "North Korea",
            "朝鲜",
            "北韓",
            "เกาหลีเหนือ",
            "Korea Utara",
            "Triều Tiên",
        ],
    ),
    (
        "sport",
        [
            "스포츠",
            "スポーツ",
            "Sport",
            "体育",
            "體育",
            "กีฬา",
            "Olahraga",
            "Thể thao",
        ],
    ),
];

/// Subsection kinds and, per locale, their names.
const DESKS: [(&str, [&str; 8]); 4] = [
    (
        "news",
        [
            "뉴스",
            "ニュース",
            "News",
            "新闻",
            "新聞",
            "ข่าว",
            "Berita",
            "Tin tức",
        ],
    ),
    (
        "interviews",
        [
            "인터뷰",
            "インタビュー",
            "Interviews",
            "专访",
            "專訪",
            "สัมภาษณ์",
            "Wawancara",
            "Phỏng vấn",
        ],
    ),
    (
        "analysis",
        [
            "분석",
            "分析",
            "Analysis",
            "分析",
            "分析",
            "วิเคราะห์",
            "Analisis",
            "Phân tích",
        ],
    ),
    (
        "photos",
        [
            "포토",
            "フォト",
            "Photos",
            "图片",
            "圖片",
            "ภาพข่าว",
            "Foto",
            "Ảnh",
        ],
    ),
];

fn locale_at(index: usize) -> Locale {
    Locale::ALL[index % Locale::ALL.len()]
}

/// Creates the synthetic category tree (if it is not there yet) and returns its ids.
async fn categories(db: &DatabaseConnection) -> Result<Vec<i64>, DbErr> {
    let now = Utc::now().trunc_subsecs(0);
    let mut ids = Vec::new();
    let existing = category::Entity::find()
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?;
    for (position, (slug, names)) in SECTIONS.iter().enumerate() {
        let top_slug = format!("syn-{slug}");
        let top = match existing.iter().find(|c| c.slug == top_slug) {
            Some(c) => c.id,
            None => {
                insert_category(db, &top_slug, None, position, now, |i| names[i].to_owned()).await?
            }
        };
        ids.push(top);
        for (desk_position, (desk, desk_names)) in DESKS.iter().enumerate() {
            let sub_slug = format!("syn-{slug}-{desk}");
            let sub = match existing.iter().find(|c| c.slug == sub_slug) {
                Some(c) => c.id,
                None => {
                    insert_category(db, &sub_slug, Some(top), desk_position, now, |i| {
                        format!("{} · {}", names[i], desk_names[i])
                    })
                    .await?
                }
            };
            ids.push(sub);
        }
    }
    Ok(ids)
}

async fn insert_category(
    db: &DatabaseConnection,
    slug: &str,
    parent_id: Option<i64>,
    position: usize,
    now: DateTime<Utc>,
    name: impl Fn(usize) -> String,
) -> Result<i64, DbErr> {
    let row = category::ActiveModel {
        slug: Set(slug.to_owned()),
        parent_id: Set(parent_id),
        position: Set(i32::try_from(position + 1).unwrap_or(i32::MAX)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let names: Vec<category_translation::ActiveModel> = (0..Locale::ALL.len())
        .map(|i| category_translation::ActiveModel {
            category_id: Set(row.id),
            locale: Set(locale_at(i)),
            name: Set(name(i)),
            description: Set(None),
        })
        .collect();
    category_translation::Entity::insert_many(names)
        .exec(db)
        .await?;
    Ok(row.id)
}

/// A like count with a long tail: most articles get a handful, a few get thousands.
fn like_count(rng: &mut StdRng) -> u32 {
    let u: f64 = rng.random_range(0.000_05..1.0);
    // u^-0.7 has mean 10/3: about six likes per article on average.
    let likes = 2.7 * (u.powf(-0.7) - 1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let likes = likes.min(5000.0) as u32;
    likes
}

fn compose(rng: &mut StdRng, locale: Locale, number: u64) -> (String, String, String) {
    let p = phrases(locale);
    let subject = p.subjects.choose(rng).copied().unwrap_or_default();
    let predicate = p.predicates.choose(rng).copied().unwrap_or_default();
    let spaced = !matches!(locale, Locale::Ja | Locale::ZhHans | Locale::ZhHant);
    let title = if spaced {
        format!("{subject} {predicate} ({number})")
    } else {
        format!("{subject}{predicate}（{number}）")
    };
    let summary = p
        .sentences
        .choose(rng)
        .copied()
        .unwrap_or_default()
        .to_owned();
    let paragraphs: Vec<String> = (0..3)
        .map(|_| {
            let a = p.sentences.choose(rng).copied().unwrap_or_default();
            let b = p.sentences.choose(rng).copied().unwrap_or_default();
            format!("<p>{subject} {a} {b}</p>")
        })
        .collect();
    (title, summary, paragraphs.concat())
}

/// One transaction's worth of rows.
struct Batch {
    articles: Vec<article::ActiveModel>,
    texts: Vec<article_translation::ActiveModel>,
    likes: Vec<article_like::ActiveModel>,
    tags: Vec<article_tag::ActiveModel>,
    media: Vec<media::ActiveModel>,
    media_texts: Vec<media_text::ActiveModel>,
    /// Each article's search documents: locale, title, tag names, summary, body.
    documents: Vec<(i64, Locale, [String; 4])>,
}

/// What every batch is built from.
struct Plan {
    first_id: i64,
    now: DateTime<Utc>,
    category_ids: Vec<i64>,
    /// The synthetic tags' ids and their names in every locale, one text.
    tags: Vec<(i64, String)>,
    site: String,
}

/// Creates the synthetic tags (if they are not there yet) and returns their ids and names.
async fn tags(db: &DatabaseConnection) -> Result<Vec<(i64, String)>, DbErr> {
    let now = Utc::now().trunc_subsecs(0);
    let mut out = Vec::with_capacity(TAGS);
    for k in 1..=TAGS {
        let slug = format!("syn-tag-{k}");
        let names: Vec<String> = TAG_NAMES.iter().map(|n| format!("{n}{k}")).collect();
        let existing = tag::Entity::find()
            .filter(tag::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?;
        let id = match existing {
            Some(t) => t.id,
            None => {
                let kinds = [
                    TagKind::Person,
                    TagKind::Group,
                    TagKind::Topic,
                    TagKind::Event,
                ];
                let row = tag::ActiveModel {
                    slug: Set(slug),
                    kind: Set(kinds[k % kinds.len()]),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                tag_name::Entity::insert_many(names.iter().enumerate().map(|(i, name)| {
                    tag_name::ActiveModel {
                        tag_id: Set(row.id),
                        locale: Set(locale_at(i)),
                        name: Set(name.clone()),
                    }
                }))
                .exec(db)
                .await?;
                row.id
            }
        };
        out.push((id, names.join(" | ")));
    }
    Ok(out)
}

impl Plan {
    /// Builds articles `start..start + size`; each batch has its own random stream, so the
    /// result does not depend on the order batches are built or written in.
    fn batch(&self, start: u64, size: u64) -> Batch {
        let mut rng = StdRng::seed_from_u64(0x6e65_7773 ^ start);
        let three_years = 3 * 365 * 24 * 3600;
        let mut batch = Batch {
            articles: Vec::new(),
            texts: Vec::new(),
            likes: Vec::new(),
            tags: Vec::new(),
            media: Vec::new(),
            media_texts: Vec::new(),
            documents: Vec::new(),
        };
        for n in start..start + size {
            let id = self.first_id + i64::try_from(n).unwrap_or(i64::MAX - self.first_id);
            let original = if rng.random_bool(0.5) {
                Locale::Ko
            } else {
                locale_at(rng.random_range(0..8))
            };
            let draft = rng.random_bool(0.02);
            let published_at = self.now - Duration::seconds(rng.random_range(0..three_years));
            let written = published_at - Duration::minutes(rng.random_range(10..600));
            let updated =
                (published_at + Duration::minutes(rng.random_range(0..2880))).min(self.now);
            let likes_here = if draft { 0 } else { like_count(&mut rng) };
            let category_id = self.category_ids[rng.random_range(0..self.category_ids.len())];
            batch.articles.push(article::ActiveModel {
                id: Set(id),
                slug: Set(format!("synthetic-{id}")),
                category_id: Set(category_id),
                original_locale: Set(original),
                status: Set(if draft {
                    ArticleStatus::Draft
                } else {
                    ArticleStatus::Published
                }),
                published_at: Set((!draft).then_some(published_at)),
                created_at: Set(written),
                updated_at: Set(if draft { written } else { updated }),
                deleted_at: Set(None),
                byline: Set(Some(format!("Newswire desk {}", id % 17))),
                source_url: Set(None),
                like_count: Set(i32::try_from(likes_here).unwrap_or(i32::MAX)),
            });
            let mut locales = vec![original];
            while locales.len() < 4 {
                let extra = locale_at(rng.random_range(0..8));
                if !locales.contains(&extra) {
                    locales.push(extra);
                }
            }
            let mut tag_text = String::new();
            let mut chosen: Vec<usize> = Vec::new();
            for position in 0..rng.random_range(0..=3) {
                let u: f64 = rng.random();
                let k = ((u * u * TAGS as f64) as usize).min(TAGS - 1);
                if chosen.contains(&k) {
                    continue;
                }
                chosen.push(k);
                let (tag_id, names) = &self.tags[k];
                tag_text.push_str(names);
                tag_text.push_str(" | ");
                batch.tags.push(article_tag::ActiveModel {
                    article_id: Set(id),
                    tag_id: Set(*tag_id),
                    position: Set(position),
                });
            }
            let mut titles = Vec::new();
            for locale in locales {
                let (title, summary, body) = compose(&mut rng, locale, n + 1);
                titles.push((locale, title.clone()));
                batch.documents.push((
                    id,
                    locale,
                    [
                        title.clone(),
                        tag_text.clone(),
                        summary.clone(),
                        body.clone(),
                    ],
                ));
                batch.texts.push(article_translation::ActiveModel {
                    article_id: Set(id),
                    locale: Set(locale),
                    title: Set(title),
                    summary: Set(Some(summary)),
                    body: Set(body),
                    created_at: Set(written),
                    updated_at: Set(updated),
                });
            }
            self.visuals(&mut batch, id, &titles, rng.random_bool(0.1));
            let span = (self.now - published_at).num_seconds().max(1);
            for k in 0..likes_here {
                batch.likes.push(article_like::ActiveModel {
                    article_id: Set(id),
                    liker: Set(format!("synthetic:reader-{k}")),
                    created_at: Set(published_at + Duration::seconds(rng.random_range(0..span))),
                });
            }
        }
        batch
    }
}

impl Plan {
    /// Article `id`'s cover photo (media id `3 id`), and with `video` a video (`3 id + 1`)
    /// with its thumbnail (`3 id + 2`).
    fn visuals(&self, batch: &mut Batch, id: i64, titles: &[(Locale, String)], video: bool) {
        let cover = visuals::photo(
            Some(3 * id),
            id,
            MediaRole::Cover,
            0,
            format!("{}/media/synthetic/{id}.jpg", self.site),
            (1600, 900),
            titles,
            self.now,
        );
        let mut all = vec![cover];
        if video {
            all.extend(visuals::video(
                Some(3 * id + 1),
                u64::try_from(id).unwrap_or_default(),
                id,
                1,
                titles,
                self.now,
            ));
        }
        for (i, visual) in all.into_iter().enumerate() {
            let media_id = 3 * id + i64::try_from(i).unwrap_or_default();
            batch.media_texts.extend(visual.text_rows(media_id));
            batch.media.push(visual.row);
        }
    }
}

async fn write(db: &DatabaseConnection, batch: Batch) -> Result<u64, DbErr> {
    let likes = batch.likes.len() as u64;
    let txn = db.begin().await?;
    article::Entity::insert_many(batch.articles)
        .exec_without_returning(&txn)
        .await?;
    for chunk in batch.texts.chunks(TEXT_ROWS_PER_INSERT) {
        article_translation::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in batch.likes.chunks(LIKE_ROWS_PER_INSERT) {
        article_like::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in batch.tags.chunks(LIKE_ROWS_PER_INSERT) {
        article_tag::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    // Thumbnails first: videos point at them.
    let (thumbnails, others): (Vec<_>, Vec<_>) = batch
        .media
        .into_iter()
        .partition(|m| m.role.as_ref() == &MediaRole::Thumbnail);
    for rows in [thumbnails, others] {
        for chunk in rows.chunks(TEXT_ROWS_PER_INSERT / 2) {
            media::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
    }
    for chunk in batch.media_texts.chunks(TEXT_ROWS_PER_INSERT) {
        media_text::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let ids: Vec<i64> = Vec::new();
    let documents: Vec<(i64, Locale, Document<'_>)> = batch
        .documents
        .iter()
        .map(|(id, locale, [title, tags, summary, body])| {
            (
                *id,
                *locale,
                Document {
                    title,
                    tags,
                    summary,
                    body,
                },
            )
        })
        .collect();
    search::index::write(&txn, &ids, &documents)
        .await
        .map_err(|e| DbErr::Custom(format!("synthetic content: search index: {e}")))?;
    txn.commit().await?;
    Ok(likes)
}

/// Adds `count` synthetic articles (and the synthetic category tree if missing).
///
/// On PostgreSQL several batches are written at once, on separate connections; SQLite has
/// one writer, so its batches go one after another.
/// Photos are placed under `site`'s `/media/` path.
pub async fn seed(db: &DatabaseConnection, count: u64, site: &str) -> Result<(), DbErr> {
    let started = std::time::Instant::now();
    let plan = Plan {
        category_ids: categories(db).await?,
        tags: tags(db).await?,
        site: site.trim_end_matches('/').to_owned(),
        first_id: article::Entity::find()
            .order_by_desc(article::Column::Id)
            .one(db)
            .await?
            .map_or(1, |a| a.id + 1),
        now: Utc::now().trunc_subsecs(0),
    };
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let writers = if postgres { PARALLEL_WRITERS } else { 1 };
    let plan = &plan;
    let written: Vec<Result<u64, DbErr>> = stream::iter((0..count).step_by(BATCH as usize))
        .map(|start| async move { write(db, plan.batch(start, BATCH.min(count - start))).await })
        .buffer_unordered(writers)
        .collect()
        .await;
    let mut total_likes = 0;
    for likes in written {
        total_likes += likes?;
    }
    if postgres {
        // Explicit ids do not move the sequence; later inserts must start after them.
        for table in ["article", "media"] {
            db.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await?;
        }
    }
    // Fresh planner statistics: without them the first queries after a bulk load can pick
    // full scans over the indexes.
    db.execute_unprepared("ANALYZE").await?;
    // A bulk load leaves the search index in many pieces that every search would read
    // through: FTS5 merges its segments, PostgreSQL moves the GIN index's pending entries
    // into the index proper.
    db.execute_unprepared(if postgres {
        "SELECT gin_clean_pending_list('search_document_tokens')"
    } else {
        "INSERT INTO search_index (search_index) VALUES ('optimize')"
    })
    .await?;
    tracing::info!(
        articles = count,
        likes = total_likes,
        seconds = started.elapsed().as_secs_f64(),
        "seeded synthetic content"
    );
    Ok(())
}
