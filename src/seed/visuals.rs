//! Photos, videos and tags for seeded articles: covers on the site's own media path,
//! YouTube videos with real-looking ids, and tags whose names appear in an article's text.

use chrono::{DateTime, Utc};
use entity::{media, media_text, Locale, MediaKind, MediaRole, VideoProvider};
use sea_orm::ActiveValue::{NotSet, Set};

/// The 64 characters of a YouTube video id.
const ID_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A media row and its texts, to insert.
pub struct Visual {
    /// The row; its id is set when one was given.
    pub row: media::ActiveModel,
    /// Its caption (or, for a photo, alt text) per locale.
    pub texts: Vec<(Locale, String)>,
    /// Whether the texts are alt texts rather than captions.
    pub alt: bool,
}

impl Visual {
    /// Its text rows, for the media row with id `media_id`.
    pub fn text_rows(&self, media_id: i64) -> Vec<media_text::ActiveModel> {
        self.texts
            .iter()
            .map(|(locale, text)| media_text::ActiveModel {
                media_id: Set(media_id),
                locale: Set(*locale),
                caption: Set((!self.alt).then(|| text.clone())),
                alt: Set(self.alt.then(|| text.clone())),
            })
            .collect()
    }
}

/// A real-looking, stable YouTube id for `seed`.
pub fn youtube_id(seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x6e65_7773_7769_7265;
    (0..11)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ID_ALPHABET[(x % 64) as usize] as char
        })
        .collect()
}

fn id_of(id: Option<i64>) -> sea_orm::ActiveValue<i64> {
    id.map_or(NotSet, Set)
}

/// A photo row (with id `id`, if given).
#[allow(clippy::too_many_arguments)]
pub fn photo(
    id: Option<i64>,
    article_id: i64,
    role: MediaRole,
    position: i32,
    url: String,
    (width, height): (i32, i32),
    alts: &[(Locale, String)],
    now: DateTime<Utc>,
) -> Visual {
    Visual {
        row: media::ActiveModel {
            id: id_of(id),
            article_id: Set(article_id),
            kind: Set(MediaKind::Photo),
            role: Set(role),
            position: Set(position),
            url: Set(Some(url)),
            width: Set(Some(width)),
            height: Set(Some(height)),
            provider: Set(None),
            external_id: Set(None),
            duration_seconds: Set(None),
            thumbnail_id: Set(None),
            credit: Set(Some("Newswire Photo Desk".to_owned())),
            licence: Set(Some("© Newswire. All rights reserved.".to_owned())),
            syndicatable: Set(true),
            embargo_until: Set(None),
            expires_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
        texts: alts.to_vec(),
        alt: true,
    }
}

/// A YouTube video row and its thumbnail photo. With `id`, the video has that id and the
/// thumbnail the next, and the video points at it; without, set the video's
/// `thumbnail_id` once the thumbnail is in. `seed` picks the video id.
pub fn video(
    id: Option<i64>,
    seed: u64,
    article_id: i64,
    position: i32,
    captions: &[(Locale, String)],
    now: DateTime<Utc>,
) -> [Visual; 2] {
    let external = youtube_id(seed);
    let thumbnail = photo(
        id.map(|i| i + 1),
        article_id,
        MediaRole::Thumbnail,
        0,
        format!("https://i.ytimg.com/vi/{external}/hqdefault.jpg"),
        (480, 360),
        captions,
        now,
    );
    let video = Visual {
        row: media::ActiveModel {
            id: id_of(id),
            article_id: Set(article_id),
            kind: Set(MediaKind::Video),
            role: Set(MediaRole::Body),
            position: Set(position),
            url: Set(None),
            width: Set(None),
            height: Set(None),
            provider: Set(Some(VideoProvider::Youtube)),
            external_id: Set(Some(external)),
            duration_seconds: Set(Some(60 + (seed % 540) as i32)),
            thumbnail_id: Set(id.map(|i| i + 1)),
            credit: Set(Some("Newswire Video".to_owned())),
            licence: Set(Some("Standard YouTube Licence".to_owned())),
            syndicatable: Set(true),
            embargo_until: Set(None),
            expires_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
        texts: captions.to_vec(),
        alt: false,
    };
    [thumbnail, video]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_ids_look_real_and_stay_put() {
        let id = youtube_id(7);
        assert_eq!(id.len(), 11);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        assert_eq!(id, youtube_id(7));
        assert_ne!(id, youtube_id(8));
    }
}
