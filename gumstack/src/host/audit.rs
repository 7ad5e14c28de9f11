//! `audit`: the operator's view of the audit log (`crate::audit`): the latest
//! calls as a table or JSON lines, filtered, and `--follow` to tail it. Also
//! the durations the audit's settings take.

use std::{collections::HashMap, time::Duration};

use clap::Args;

use super::admin::{aligned, printable, rfc3339};
use crate::{
    Result, Server,
    mode::AuthMode,
    store::{self, AuditQuery, AuditRecord, Place, Store},
};

/// How often `--follow` asks the store for new records.
const POLL: Duration = Duration::from_secs(1);
/// How far back `--follow` looks again each time: records are written in
/// batches, by several replicas, so one may arrive after a later one.
const LOOKBACK_MS: i64 = 30_000;

// `audit ...` (no doc comment: clap would take it as the about text).
#[derive(Args, Debug)]
pub(crate) struct Audit<D: Args> {
    /// Only calls of this tool (or prompt, or resource URI).
    #[arg(long)]
    pub tool: Option<String>,
    /// Only calls under this grant (`local`: the local user's, over stdio).
    #[arg(long, allow_hyphen_values = true)]
    pub grant: Option<String>,
    /// Only calls from this MCP client (its client id).
    #[arg(long, allow_hyphen_values = true)]
    pub client: Option<String>,
    /// Only calls that ended so: ok, tool_error, error, refused, panic, unknown.
    #[arg(long, value_parser = outcome)]
    pub outcome: Option<String>,
    /// Only calls since then: a duration back from now (`15m`, `2h`, `7d`) or
    /// an RFC 3339 time (`2026-07-28T12:00:00Z`).
    #[arg(long, value_name = "WHEN", value_parser = since)]
    pub since: Option<i64>,
    /// The latest N calls (before `--follow` prints the new ones).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
    /// One JSON object a line instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Keep printing calls as they are recorded (until interrupted).
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub data: D,
}

pub(super) async fn run<S: Server, D: Args>(place: &Place, audit: Audit<D>) -> Result<()> {
    // The store only, not the key: nothing sealed is read.
    let store = store::open_for(place, S::Auth::KIND).await?;
    let mut query = AuditQuery {
        name: audit.tool,
        grant_id: audit.grant,
        client_id: audit.client,
        outcome: audit.outcome,
        since_ms: audit.since,
        limit: audit.limit,
    };
    let mut latest = store.audit(&query).await?;
    latest.reverse();
    if audit.json {
        for record in &latest {
            println!("{}", json_line(record));
        }
    } else {
        print!("{}", table(&latest, !audit.follow));
    }
    if !audit.follow {
        return Ok(());
    }
    follow(&*store, &mut query, latest, audit.json).await
}

/// Print records as they come, forever.
async fn follow(
    store: &dyn Store,
    query: &mut AuditQuery,
    printed: Vec<AuditRecord>,
    json: bool,
) -> Result<()> {
    use std::io::Write;
    let mut cursor = printed
        .last()
        .map_or_else(crate::audit::now_ms, |r| r.at_ms);
    // What was printed lately (id, start), so a record seen twice is printed once.
    let mut seen: HashMap<String, i64> = printed.into_iter().map(|r| (r.id, r.at_ms)).collect();
    query.limit = 1000;
    loop {
        tokio::time::sleep(POLL).await;
        let floor = cursor - LOOKBACK_MS;
        query.since_ms = Some(query.since_ms.map_or(floor, |since| since.max(floor)));
        let mut fresh: Vec<AuditRecord> = store
            .audit(query)
            .await?
            .into_iter()
            .filter(|r| !seen.contains_key(&r.id))
            .collect();
        fresh.reverse();
        let mut out = std::io::stdout().lock();
        for record in &fresh {
            let line = if json {
                json_line(record)
            } else {
                row(record).join("  ")
            };
            writeln!(out, "{line}")?;
        }
        out.flush()?;
        for record in fresh {
            cursor = cursor.max(record.at_ms);
            seen.insert(record.id, record.at_ms);
        }
        seen.retain(|_, at| *at >= cursor - LOOKBACK_MS);
    }
}

/// One record as a JSON object: its arguments as JSON where they are whole,
/// else (cut at the cap) as a string.
fn json_line(r: &AuditRecord) -> String {
    let arguments = serde_json::from_str::<serde_json::Value>(&r.arguments)
        .unwrap_or_else(|_| r.arguments.clone().into());
    serde_json::json!({
        "id": r.id,
        "time": time(r.at_ms),
        "grant": r.grant_id,
        "client": r.client_id,
        "kind": r.kind,
        "name": r.name,
        "arguments": arguments,
        "duration_ms": r.duration_us as f64 / 1000.0,
        "outcome": r.outcome,
    })
    .to_string()
}

const HEADER: [&str; 7] = [
    "TIME",
    "GRANT",
    "CLIENT",
    "CALL",
    "OUTCOME",
    "DURATION",
    "ARGUMENTS",
];

fn row(r: &AuditRecord) -> [String; 7] {
    [
        time(r.at_ms),
        r.grant_id
            .as_deref()
            .map_or_else(|| "local".into(), printable),
        r.client_id.as_deref().map_or_else(|| "-".into(), printable),
        format!("{} {}", r.kind, printable(&r.name)),
        r.outcome.clone(),
        format!("{:.1} ms", r.duration_us as f64 / 1000.0),
        printable(&r.arguments),
    ]
}

/// An aligned table, or a sentence when there is nothing (unless more may
/// come: `--follow`).
fn table(records: &[AuditRecord], say_empty: bool) -> String {
    if records.is_empty() {
        return if say_empty {
            "No calls recorded (for these filters).\n".into()
        } else {
            String::new()
        };
    }
    aligned(HEADER, records.iter().map(row).collect())
}

/// `ms` since the epoch in RFC 3339, UTC, to the millisecond.
fn time(ms: i64) -> String {
    let seconds = rfc3339(ms.div_euclid(1000));
    format!(
        "{}.{:03}Z",
        seconds.trim_end_matches('Z'),
        ms.rem_euclid(1000)
    )
}

fn outcome(text: &str) -> std::result::Result<String, String> {
    crate::audit::Outcome::ALL
        .iter()
        .map(|o| o.label())
        .find(|label| *label == text)
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "unknown outcome {text:?}: one of {}",
                crate::audit::Outcome::ALL.map(|o| o.label()).join(", ")
            )
        })
}

/// `--since`: a duration back from now, or an RFC 3339 time; in ms since the
/// epoch.
fn since(text: &str) -> std::result::Result<i64, String> {
    if let Ok(back) = duration(text) {
        return Ok(crate::audit::now_ms() - back.as_millis() as i64);
    }
    parse_rfc3339(text).ok_or_else(|| {
        format!("{text:?} is neither a duration (15m, 2h, 7d) nor an RFC 3339 time (2026-07-28T12:00:00Z)")
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` in ms since the epoch.
fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = text.get(from..from + n)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut ms = 0;
    if b.get(at) == Some(&b'.') {
        let end = at
            + 1
            + b[at + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
        if end == at + 1 {
            return None;
        }
        let fraction = &text[at + 1..end.min(at + 4)];
        ms = fraction.parse::<i64>().ok()? * 10_i64.pow(3 - fraction.len() as u32);
        at = end;
    }
    let offset = match &text[at..] {
        "Z" | "z" => 0,
        zone if zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':' =>
        {
            let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if zone.starts_with('-') {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some(seconds * 1000 + ms)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`, the inverse of `admin::civil_from_days`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A duration (`GUMSTACK_AUDIT_RETENTION`, `--since`): a whole number with an
/// optional unit, `s` (the default), `m`, `h` or `d`.
pub(crate) fn duration(text: &str) -> std::result::Result<Duration, String> {
    let invalid = || format!("{text:?} is not a duration: give e.g. 30d, 12h, 90m or 3600s");
    let trimmed = text.trim();
    let (number, unit) = match trimmed.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => trimmed.split_at(at),
        None => (trimmed, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(invalid()),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .map(Duration::from_secs)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit() {
        // (text, seconds, rule)
        let cases = [
            ("30d", Some(30 * 86_400), "days"),
            ("12h", Some(12 * 3600), "hours"),
            ("90m", Some(90 * 60), "minutes"),
            ("45s", Some(45), "seconds"),
            ("3600", Some(3600), "a bare number is seconds"),
            ("0", Some(0), "zero (the audit log off)"),
            ("", None, "nothing"),
            ("d", None, "a unit alone"),
            ("1w", None, "an unknown unit"),
            ("-1d", None, "a negative duration"),
            ("1.5h", None, "a fraction"),
            ("99999999999999999999d", None, "too long"),
        ];
        for (text, seconds, rule) in cases {
            assert_eq!(duration(text).ok().map(|d| d.as_secs()), seconds, "{rule}");
        }
    }

    #[test]
    fn rfc_3339_times_are_read_back() {
        // (text, ms since the epoch, rule)
        let cases = [
            ("1970-01-01T00:00:00Z", Some(0), "the epoch"),
            ("2023-11-14T22:13:20Z", Some(1_700_000_000_000), "a time"),
            (
                "2023-11-14T22:13:20.5Z",
                Some(1_700_000_000_500),
                "a fraction",
            ),
            (
                "2023-11-14T22:13:20.123456Z",
                Some(1_700_000_000_123),
                "to the ms",
            ),
            (
                "2023-11-15T00:13:20+02:00",
                Some(1_700_000_000_000),
                "an offset east",
            ),
            (
                "2023-11-14T21:13:20-01:00",
                Some(1_700_000_000_000),
                "an offset west",
            ),
            (
                "2024-02-29T12:00:00Z",
                Some(1_709_208_000_000),
                "a leap day",
            ),
            ("2023-02-29T12:00:00Z", None, "not a leap year"),
            ("2023-13-01T00:00:00Z", None, "no 13th month"),
            ("2023-11-14T22:13:20", None, "no zone"),
            ("2023-11-14T22:13:20.Z", None, "an empty fraction"),
            ("2023-11-14", None, "a date alone"),
            ("yesterday", None, "words"),
        ];
        for (text, ms, rule) in cases {
            assert_eq!(parse_rfc3339(text), ms, "{rule}");
        }
        for t in [0, 1_700_000_000_123, 4_102_444_800_999] {
            assert_eq!(parse_rfc3339(&time(t)), Some(t), "round trip of {t}");
        }
    }

    #[test]
    fn filters_are_checked() {
        assert_eq!(outcome("tool_error").as_deref(), Ok("tool_error"));
        assert!(outcome("fine").is_err());
        let hour_ago = since("1h").unwrap();
        let now = crate::audit::now_ms();
        assert!((now - 3_600_000 - hour_ago).abs() < 5_000);
        assert_eq!(since("2023-11-14T22:13:20Z"), Ok(1_700_000_000_000));
        assert!(since("soon").is_err());
    }

    fn record(outcome: &str, arguments: &str) -> AuditRecord {
        AuditRecord {
            id: "p-1".into(),
            at_ms: 1_700_000_000_123,
            grant_id: Some("g1".into()),
            client_id: Some("c1".into()),
            kind: "tool".into(),
            name: "forecast".into(),
            arguments: arguments.into(),
            duration_us: 1234,
            outcome: outcome.into(),
        }
    }

    #[test]
    fn records_print_as_json_lines_and_rows() {
        let whole = record("ok", r#"{"city":"Paris","key":"[redacted]"}"#);
        let line: serde_json::Value = serde_json::from_str(&json_line(&whole)).unwrap();
        assert_eq!(
            line,
            serde_json::json!({
                "id": "p-1",
                "time": "2023-11-14T22:13:20.123Z",
                "grant": "g1",
                "client": "c1",
                "kind": "tool",
                "name": "forecast",
                "arguments": {"city": "Paris", "key": "[redacted]"},
                "duration_ms": 1.234,
                "outcome": "ok",
            })
        );
        let cut = record("tool_error", r#"{"city":"Par…[truncated]"#);
        let line: serde_json::Value = serde_json::from_str(&json_line(&cut)).unwrap();
        assert_eq!(
            line["arguments"], r#"{"city":"Par…[truncated]"#,
            "cut: a string"
        );
        let local = AuditRecord {
            grant_id: None,
            client_id: None,
            ..record("panic", "{}")
        };
        assert_eq!(
            table(&[local], true),
            "\
TIME                      GRANT  CLIENT  CALL           OUTCOME  DURATION  ARGUMENTS
2023-11-14T22:13:20.123Z  local  -       tool forecast  panic    1.2 ms    {}
"
        );
        assert_eq!(table(&[], true), "No calls recorded (for these filters).\n");
        assert_eq!(table(&[], false), "");
    }
}
