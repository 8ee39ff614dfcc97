//! The tokenizer of the search index, the same for documents and queries on both databases.
//!
//! Text is normalized one character at a time, so every token keeps the byte span of the
//! original text it came from (snippets mark the original text):
//!
//! - NFKC (full-width Latin, half-width katakana and compatibility ideographs become their
//!   ordinary forms), then lower case;
//! - Latin and other spaced scripts: diacritics removed (Vietnamese `cà phê` reads `ca phe`,
//!   `đ` reads `d`), and a word is a run of letters and digits;
//! - Han characters: Traditional forms become Simplified where OpenCC's character table maps
//!   one character to one (`韓國` reads `韩国`);
//! - Han, kana and Hangul (one run, as Japanese mixes them) and Thai, written without
//!   spaces between words: overlapping pairs of characters (bigrams), as Lucene's CJK bigram
//!   filter makes them. A query word is then found inside any sentence: `검색` is the one
//!   bigram of `검색어를`'s first two syllables. A document also gets the last character of
//!   each such run alone, so that a one-character query can match as a prefix.

use std::{collections::HashMap, ops::Range, sync::LazyLock};

use unicode_normalization::{
    char::is_combining_mark, is_nfkc_quick, IsNormalized, UnicodeNormalization,
};

/// The longest token kept; longer words are cut (the index holds bounded terms).
const MAX_TOKEN_CHARS: usize = 64;

/// How a character takes part in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Han, kana or Hangul: bigrams.
    Cjk,
    /// Thai: bigrams.
    Thai,
    /// A letter or digit of a spaced script: words.
    Word,
    /// A combining mark: part of a Thai cluster, dropped after other letters.
    Mark,
    /// Anything else: spaces, punctuation, symbols.
    Separator,
}

fn class(c: char) -> Class {
    match c as u32 {
        0x1100..=0x11FF
        | 0x3040..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7A3
        | 0xD7B0..=0xD7FF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF
        | 0x3005 => Class::Cjk,
        0x0E01..=0x0E3A | 0x0E40..=0x0E4E => Class::Thai,
        _ if is_combining_mark(c) => Class::Mark,
        _ if c.is_alphanumeric() => Class::Word,
        _ => Class::Separator,
    }
}

/// Traditional Han characters that OpenCC maps to one Simplified character, and that one.
static SIMPLIFIED: LazyLock<HashMap<char, char>> = LazyLock::new(|| {
    let Ok(converter) =
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s)
    else {
        tracing::error!("the Traditional-to-Simplified table did not load");
        return HashMap::new();
    };
    let ranges = [0x3400u32..=0x4DBF, 0x4E00..=0x9FFF, 0xF900..=0xFAFF];
    let mut map = HashMap::new();
    for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
        let converted = converter.convert(c.encode_utf8(&mut [0; 4]));
        let mut chars = converted.chars();
        if let (Some(s), None) = (chars.next(), chars.next()) {
            if s != c {
                map.insert(c, s);
            }
        }
    }
    map
});

/// Loads the Han character table now, so that the first search does not wait for it.
pub fn warm_up() {
    LazyLock::force(&SIMPLIFIED);
}

/// A normalized character and the span of the original text it came from.
#[derive(Debug, Clone)]
struct Folded {
    c: char,
    class: Class,
    span: Range<usize>,
}

/// The normalized characters of `text`, separators left out and runs broken at them: each
/// inner list is a run of one class ([`Class::Cjk`], [`Class::Thai`] or [`Class::Word`]).
fn runs(text: &str) -> Vec<Vec<Folded>> {
    let mut runs: Vec<Vec<Folded>> = Vec::new();
    let mut current: Vec<Folded> = Vec::new();
    let push = |runs: &mut Vec<Vec<Folded>>, current: &mut Vec<Folded>| {
        if !current.is_empty() {
            runs.push(std::mem::take(current));
        }
    };
    for (start, original) in text.char_indices() {
        let span = start..start + original.len_utf8();
        let stable =
            original.is_ascii() || is_nfkc_quick(std::iter::once(original)) == IsNormalized::Yes;
        let single = [original];
        let decomposed: Vec<char>;
        let chars: &[char] = if stable {
            &single
        } else {
            decomposed = original.to_string().nfkc().collect();
            &decomposed
        };
        for &n in chars {
            let kind = class(n);
            match kind {
                Class::Separator => push(&mut runs, &mut current),
                Class::Cjk => add(
                    &mut runs,
                    &mut current,
                    SIMPLIFIED.get(&n).copied().unwrap_or(n),
                    kind,
                    &span,
                ),
                Class::Thai | Class::Mark => add(&mut runs, &mut current, n, kind, &span),
                Class::Word if n.is_ascii() => {
                    add(&mut runs, &mut current, n.to_ascii_lowercase(), kind, &span);
                }
                Class::Word => {
                    for (c, kind) in fold_word_char(n) {
                        add(&mut runs, &mut current, c, kind, &span);
                    }
                }
            }
        }
    }
    push(&mut runs, &mut current);
    runs
}

/// Adds a normalized character to the current run, or starts a new run with it; a combining
/// mark only joins a Thai run.
fn add(
    runs: &mut Vec<Vec<Folded>>,
    current: &mut Vec<Folded>,
    c: char,
    kind: Class,
    span: &Range<usize>,
) {
    let kind = match kind {
        Class::Mark => match current.last() {
            Some(last) if last.class == Class::Thai => Class::Thai,
            _ => return,
        },
        other => other,
    };
    if current.last().is_some_and(|last| last.class != kind) {
        runs.push(std::mem::take(current));
    }
    current.push(Folded {
        c,
        class: kind,
        span: span.clone(),
    });
}

/// A letter or digit of a spaced script, lower-cased and without its diacritics.
fn fold_word_char(c: char) -> Vec<(char, Class)> {
    let base = match c {
        'đ' | 'Đ' => 'd',
        'ł' | 'Ł' => 'l',
        'ø' | 'Ø' => 'o',
        other => other,
    };
    base.to_lowercase()
        .flat_map(|l| l.nfd().collect::<Vec<_>>())
        .filter(|d| !is_combining_mark(*d))
        .map(|d| (d, class(d)))
        .filter(|(_, k)| *k == Class::Word)
        .collect()
}

/// Which part of a document a token belongs to, and so how much it weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The headline.
    Title,
    /// The names of the article's tags, in every language.
    Tags,
    /// The standfirst.
    Summary,
    /// The text.
    Body,
}

impl Field {
    /// Every field, in the index's column order.
    pub const ALL: [Field; 4] = [Field::Title, Field::Tags, Field::Summary, Field::Body];
}

/// A token of a text, with the span of the original text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalized token.
    pub text: String,
    /// Bytes of the original text it came from.
    pub span: Range<usize>,
    /// Bytes of the original text its first character came from.
    pub first: Range<usize>,
}

/// The tokens of a document's text, in order.
pub fn document(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for run in runs(text) {
        emit(&run, true, &mut tokens);
    }
    tokens
}

fn emit(run: &[Folded], trailing_unigram: bool, tokens: &mut Vec<Token>) {
    let token = |chars: &[Folded]| Token {
        text: chars.iter().map(|f| f.c).collect(),
        span: chars[0].span.start..chars[chars.len() - 1].span.end,
        first: chars[0].span.clone(),
    };
    match run.first().map(|f| f.class) {
        Some(Class::Word) => tokens.push(token(&run[..run.len().min(MAX_TOKEN_CHARS)])),
        Some(_) if run.len() == 1 => tokens.push(token(run)),
        Some(_) => {
            tokens.extend(run.windows(2).map(token));
            if trailing_unigram {
                tokens.push(token(&run[run.len() - 1..]));
            }
        }
        None => {}
    }
}

/// One part of a query word that a document must contain: tokens in a row, the last of them
/// matched as a prefix when `prefix` (a lone Han, kana, Hangul or Thai character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The tokens, in order.
    pub tokens: Vec<String>,
    /// Whether the last token is matched as a prefix.
    pub prefix: bool,
}

/// The most phrases a query keeps; a longer query is cut there (it is data, not an error).
pub const MAX_PHRASES: usize = 32;

/// A query's phrases: one per run of each of its words. A document matches when it holds
/// every phrase (anywhere, in any field).
pub fn query(text: &str) -> Vec<Phrase> {
    let mut phrases: Vec<Phrase> = Vec::new();
    for run in runs(text) {
        let mut tokens = Vec::new();
        emit(&run, false, &mut tokens);
        let prefix = run[0].class != Class::Word && run.len() == 1;
        let phrase = Phrase {
            tokens: tokens.into_iter().map(|t| t.text).collect(),
            prefix,
        };
        if !phrases.contains(&phrase) {
            phrases.push(phrase);
        }
        if phrases.len() == MAX_PHRASES {
            break;
        }
    }
    phrases
}

/// Where `phrase` occurs in `tokens` (a document's, as [`document`] makes them): the byte
/// spans of the original text it covers.
pub fn occurrences(tokens: &[Token], phrase: &Phrase) -> Vec<Range<usize>> {
    let n = phrase.tokens.len();
    if n == 0 {
        return Vec::new();
    }
    if phrase.prefix {
        return tokens
            .iter()
            .filter(|t| t.text.starts_with(&phrase.tokens[0]))
            .map(|t| t.first.clone())
            .collect();
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i + n <= tokens.len() {
        let window = &tokens[i..i + n];
        if window.iter().zip(&phrase.tokens).all(|(t, q)| t.text == *q)
            && window.windows(2).all(|w| w[0].span.start < w[1].span.start)
        {
            found.push(window[0].span.start..window[n - 1].span.end);
            i += n;
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn found(text: &str, q: &str) -> bool {
        let tokens = document(text);
        let phrases = query(q);
        !phrases.is_empty() && phrases.iter().all(|p| !occurrences(&tokens, p).is_empty())
    }

    #[test]
    fn korean_nouns_are_found_with_their_particles() {
        assert_eq!(texts(&document("검색어를")), ["검색", "색어", "어를", "를"]);
        assert!(found("인기 검색어를 확인하세요", "검색"));
        assert!(found("검색은 빠르다", "검색"));
        assert!(!found("검은 색", "검색"));
    }

    #[test]
    fn words_are_found_inside_unspaced_sentences() {
        assert!(found("東京都で新しいアルバムを発表した", "アルバム"));
        assert!(found("他们在首尔举行演唱会", "演唱会"));
        assert!(found("วงบอยแบนด์ออกเพลงใหม่วันนี้", "เพลงใหม่"));
        assert!(!found("วงบอยแบนด์ออกเพลงใหม่วันนี้", "ข่าว"));
    }

    #[test]
    fn vietnamese_is_found_with_and_without_tone_marks() {
        assert!(found("Uống cà phê ở Hà Nội", "ca phe"));
        assert!(found("Uống cà phê ở Hà Nội", "Hà Nội"));
        assert!(found("Đường phố", "duong"));
        assert!(!found("Uống cà phê", "cafe"));
    }

    #[test]
    fn traditional_and_simplified_chinese_find_each_other() {
        assert!(found("韓國電視劇在台灣很受歡迎", "韩国电视剧"));
        assert!(found("韩国电视剧很受欢迎", "韓國"));
    }

    #[test]
    fn latin_words_fold_case_width_and_accents_and_stay_whole() {
        assert_eq!(
            texts(&document("ＢＴＳ's K-Pop Café")),
            ["bts", "s", "k", "pop", "cafe"]
        );
        assert!(!found("concerts", "concert"));
    }

    #[test]
    fn query_syntax_is_only_data() {
        assert!(query("\"*) OR 1=1; -- NEAR( \0 ^").iter().all(|p| p
            .tokens
            .iter()
            .all(|t| t.chars().all(char::is_alphanumeric))));
        assert!(query("!!! ***").is_empty());
        assert_eq!(query(&"가나다 ".repeat(1000)).len(), 1);
        assert_eq!(
            query(&(0..100).map(|i| format!("w{i} ")).collect::<String>()).len(),
            MAX_PHRASES
        );
    }

    #[test]
    fn a_lone_character_matches_as_a_prefix_and_spans_point_into_the_original() {
        assert!(found("新曲を発表", "曲"));
        assert!(found("新曲を発表", "表"));
        let text = "<b>Cà phê</b>";
        let tokens = document(text);
        let spans = occurrences(&tokens, &query("ca")[0]);
        assert_eq!(&text[spans[0].clone()], "Cà");
    }
}
