//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::FixedOffset;

/// A date and time with its UTC offset, in RFC 3339, such as `2026-11-26T21:00:00+09:00`.
/// Inputs must carry an offset (`Z` for UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<FixedOffset>);

/// `time` as a [`DateTime`] in UTC.
pub fn utc(time: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime(time.fixed_offset())
}

/// A date and time with its UTC offset, in RFC 3339, such as `2026-11-26T21:00:00+09:00`.
/// Inputs must carry an offset (`Z` for UTC).
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(DateTime)
                .map_err(|_| {
                    InputValueError::custom(format!(
                        "`{text}` is not an RFC 3339 date-time with offset, such as 2026-11-26T21:00:00+09:00"
                    ))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}
