//! Gzip for response bodies that are already whole in memory: one pass, with a compressor each
//! thread keeps and resets, instead of a streaming encoder set up (and its tables allocated
//! and cleared) for every response.

use std::cell::RefCell;

use axum::body::Bytes;
use flate2::{Compress, Compression, FlushCompress, Status};

/// Bodies shorter than this are sent as they are: gzip's header and trailer alone take 18
/// bytes, and below a few hundred bytes compression saves less than it costs.
pub const MIN_BYTES: u16 = 512;

thread_local! {
    static COMPRESSOR: RefCell<Compress> =
        RefCell::new(Compress::new_gzip(Compression::fast(), 15));
}

/// `body` as a gzip member compressed at `level`; `None` for a body shorter than
/// [`MIN_BYTES`], which goes out as it is, or if compression failed.
pub fn compress(body: &[u8], level: Compression) -> Option<Bytes> {
    if body.len() < usize::from(MIN_BYTES) {
        return None;
    }
    COMPRESSOR.with(|cell| {
        let mut compressor = cell.borrow_mut();
        compressor.reset();
        compressor.set_level(level).ok()?;
        let mut out = Vec::with_capacity(body.len() / 2 + 64);
        loop {
            let consumed = usize::try_from(compressor.total_in()).ok()?;
            let status = compressor
                .compress_vec(&body[consumed..], &mut out, FlushCompress::Finish)
                .ok()?;
            match status {
                Status::StreamEnd => return Some(Bytes::from(out)),
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn inflate(gzip: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(gzip)
            .read_to_end(&mut out)
            .expect("a valid gzip member");
        out
    }

    #[test]
    fn bodies_inflate_to_themselves_at_every_level_and_size() {
        let json = br#"{"data":{"articles":{"nodes":[{"title":"Seoul"}]}}}"#.repeat(400);
        let noise: Vec<u8> = (0..50_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for level in [Compression::fast(), Compression::default()] {
            for body in [&json[..], &json[..700], &json[..512], &noise[..]] {
                let gzip = compress(body, level).expect("compressed");
                assert_eq!(inflate(&gzip), body);
            }
        }
        let small = compress(&json, Compression::fast()).expect("compressed");
        assert!(small.len() < json.len() / 10, "{} bytes", small.len());
    }

    #[test]
    fn bodies_under_the_threshold_are_left_as_they_are() {
        let json = br#"{"data":{"locales":[{"code":"ko"}]}}"#.repeat(40);
        assert!(compress(&json[..511], Compression::fast()).is_none());
        assert!(compress(b"", Compression::default()).is_none());
    }

    #[test]
    fn a_reused_compressor_starts_each_body_afresh() {
        let first = b"first body, ".repeat(100);
        let second = b"second ".repeat(100);
        assert!(compress(&first, Compression::fast()).is_some());
        let gzip = compress(&second, Compression::fast()).expect("compressed");
        assert_eq!(inflate(&gzip), second);
    }
}
