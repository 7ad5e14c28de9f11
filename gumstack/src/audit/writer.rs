//! The background writer of the audit log: a bounded buffer that calls push
//! into without waiting, and one task that empties it into the store in
//! batches, purges what is past the retention, and writes what is left when
//! the server stops ([`flush`]).

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::sync::{mpsc, oneshot};

use super::kinds::{Caller, Kind, Outcome, now_ms};
use crate::store::{AuditRecord, Store};

/// Records the buffer holds; past this, new ones are dropped (and counted).
pub(super) const CAPACITY: usize = 8192;
/// The most records written in one transaction.
const BATCH: usize = 512;
/// How long the writer waits for more records after the first of a batch:
/// one write for what arrives within it, not one per wake-up (under load a
/// wake-up finds a handful, and each write is a transaction). A crash loses
/// at most this much; a clean stop flushes (a flush asked for meanwhile waits
/// for the rest of it).
const LINGER: Duration = Duration::from_millis(100);
/// How often records past the retention are deleted.
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// How long a stopping server waits for the last records to be written.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// A record on its way to the store.
pub(crate) struct Entry {
    pub at_ms: i64,
    pub caller: Caller,
    pub kind: Kind,
    pub name: String,
    pub arguments: String,
}

enum Message {
    Record(Entry, Outcome, Duration),
    /// Write everything before this, then say so.
    Flush(oneshot::Sender<()>),
}

struct Sink {
    sender: mpsc::Sender<Message>,
    drops: Arc<Drops>,
}

/// Records dropped since the last report, and whether it was warned of.
#[derive(Default)]
struct Drops {
    count: AtomicU64,
    warned: AtomicBool,
}

static SINK: OnceLock<Sink> = OnceLock::new();

/// Whether calls are recorded (the host installed the writer).
pub(crate) fn enabled() -> bool {
    SINK.get().is_some()
}

/// Record a call, without waiting: a full buffer drops it (counted; the
/// first drop of a run of them is logged once, with no record in the log).
pub(super) fn push(entry: Entry, outcome: Outcome, took: Duration) {
    if let Some(sink) = SINK.get() {
        sink.push(entry, outcome, took);
    }
}

/// Start recording calls into `store`, keeping them for `retention`: spawns
/// the writer (once per process; a second call changes nothing).
pub(crate) fn install(store: Arc<dyn Store>, retention: Duration) {
    if SINK.get().is_none() {
        let _ = SINK.set(Sink::start(store, retention));
    }
}

/// Write every record pushed so far (the server is stopping); waits at most
/// a few seconds.
pub async fn flush() {
    if let Some(sink) = SINK.get() {
        sink.flush().await;
    }
}

impl Sink {
    fn start(store: Arc<dyn Store>, retention: Duration) -> Self {
        let (sender, receiver) = mpsc::channel(CAPACITY);
        let drops = Arc::<Drops>::default();
        tokio::spawn(run(store, retention, receiver, drops.clone()));
        Self { sender, drops }
    }

    fn push(&self, entry: Entry, outcome: Outcome, took: Duration) {
        if self
            .sender
            .try_send(Message::Record(entry, outcome, took))
            .is_err()
        {
            self.drops.count.fetch_add(1, Ordering::Relaxed);
            if !self.drops.warned.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    "the audit log's buffer is full ({CAPACITY} records): calls are not recorded until the store catches up"
                );
            }
        }
    }

    async fn flush(&self) {
        let (done, written) = oneshot::channel();
        let asked = tokio::time::timeout(FLUSH_WAIT, async {
            if self.sender.send(Message::Flush(done)).await.is_ok() {
                let _ = written.await;
            }
        });
        if asked.await.is_err() {
            tracing::warn!(
                "the audit log was not written within {} s of the shutdown: its last records are lost",
                FLUSH_WAIT.as_secs()
            );
        }
    }
}

async fn run(
    store: Arc<dyn Store>,
    retention: Duration,
    mut receiver: mpsc::Receiver<Message>,
    drops: Arc<Drops>,
) {
    let ids = Ids::new();
    let mut messages = Vec::with_capacity(BATCH);
    let mut batch = Vec::with_capacity(BATCH);
    let mut purge = tokio::time::interval(PURGE_EVERY);
    purge.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            received = receiver.recv_many(&mut messages, BATCH) => {
                if received == 0 {
                    return;
                }
                let closed = linger(&mut receiver, &mut messages).await;
                let mut flushed = Vec::new();
                for message in messages.drain(..) {
                    match message {
                        Message::Record(entry, outcome, took) => {
                            batch.push(record(&ids, entry, outcome, took));
                        }
                        Message::Flush(done) => flushed.push(done),
                    }
                }
                write(&*store, &mut batch, &drops).await;
                for done in flushed {
                    let _ = done.send(());
                }
                if closed {
                    return;
                }
            }
            _ = purge.tick() => {
                let before = now_ms().saturating_sub(retention.as_millis() as i64);
                match store.purge_audit(before).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!("purged {n} audit records past the retention"),
                    Err(e) => tracing::warn!("purging the audit log failed: {e}"),
                }
            }
        }
    }
}

/// Gather more of a batch: wait [`LINGER`] without watching the buffer, then
/// take what arrived, unless a flush is asked for; whether the channel closed
/// meanwhile. Watching it would wake the writer at every record pushed (a
/// wake-up of a runtime thread each, thousands a second under load) to find
/// one or two there.
async fn linger(receiver: &mut mpsc::Receiver<Message>, messages: &mut Vec<Message>) -> bool {
    use mpsc::error::TryRecvError;
    let mut flushing = messages.iter().any(|m| matches!(m, Message::Flush(_)));
    if messages.len() < BATCH && !flushing {
        tokio::time::sleep(LINGER).await;
    }
    while messages.len() < BATCH && !flushing {
        match receiver.try_recv() {
            Ok(message) => {
                flushing = matches!(message, Message::Flush(_));
                messages.push(message);
            }
            Err(TryRecvError::Empty) => break,
            Err(TryRecvError::Disconnected) => return true,
        }
    }
    false
}

async fn write(store: &dyn Store, batch: &mut Vec<AuditRecord>, drops: &Drops) {
    if batch.is_empty() {
        return;
    }
    if let Err(e) = store.put_audit(batch).await {
        tracing::warn!(
            "writing {} audit records failed; they are lost: {e}",
            batch.len()
        );
    }
    batch.clear();
    let dropped = drops.count.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        tracing::warn!("{dropped} calls were not recorded in the audit log (its buffer was full)");
        drops.warned.store(false, Ordering::Relaxed);
    }
}

/// The row of a call.
pub(super) fn record(ids: &Ids, entry: Entry, outcome: Outcome, took: Duration) -> AuditRecord {
    AuditRecord {
        id: ids.next(),
        at_ms: entry.at_ms,
        grant_id: entry.caller.as_ref().map(|t| t.grant_id.clone()),
        client_id: entry.caller.as_ref().map(|t| t.client_id.clone()),
        kind: entry.kind.label().into(),
        name: entry.name,
        arguments: entry.arguments,
        duration_us: i64::try_from(took.as_micros()).unwrap_or(i64::MAX),
        outcome: outcome.label().into(),
    }
}

/// Record ids: random per process (replicas share a store), then a counter.
pub(super) struct Ids {
    prefix: String,
    next: AtomicU64,
}

impl Ids {
    pub fn new() -> Self {
        let mut prefix = crate::crypto::random();
        prefix.truncate(12);
        Self {
            prefix,
            next: AtomicU64::new(0),
        }
    }

    fn next(&self) -> String {
        format!(
            "{}-{:010}",
            self.prefix,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{TokenKind, TokenRecord};

    fn token() -> Arc<TokenRecord> {
        Arc::new(TokenRecord {
            token_hash: "hash-of-the-token".into(),
            kind: TokenKind::Access,
            grant_id: "g1".into(),
            client_id: "c1".into(),
            resource: "http://localhost/mcp".into(),
            scope: Some("mcp".into()),
            expires_at: 0,
        })
    }

    #[test]
    fn a_record_holds_the_call_and_nothing_of_the_token() {
        let ids = Ids::new();
        let entry = |caller: Caller, kind| Entry {
            at_ms: 1_700_000_000_123,
            caller,
            kind,
            name: "forecast".into(),
            arguments: r#"{"city":"Paris"}"#.into(),
        };
        // (entry, outcome, took, grant, client, kind, outcome, duration_us, rule)
        let cases = [
            (
                entry(Some(token()), Kind::Tool),
                Outcome::Ok,
                Duration::from_micros(1500),
                Some("g1"),
                Some("c1"),
                "tool",
                "ok",
                1500,
                "an HTTP caller's grant and client",
            ),
            (
                entry(None, Kind::Tool),
                Outcome::ToolError,
                Duration::from_millis(2),
                None,
                None,
                "tool",
                "tool_error",
                2000,
                "the local user has no grant",
            ),
            (
                entry(None, Kind::Prompt),
                Outcome::Error,
                Duration::ZERO,
                None,
                None,
                "prompt",
                "error",
                0,
                "a prompt",
            ),
            (
                entry(Some(token()), Kind::Resource),
                Outcome::Refused,
                Duration::from_secs(1),
                Some("g1"),
                Some("c1"),
                "resource",
                "refused",
                1_000_000,
                "a refused resource read",
            ),
            (
                entry(None, Kind::Tool),
                Outcome::Panic,
                Duration::from_micros(7),
                None,
                None,
                "tool",
                "panic",
                7,
                "a panic",
            ),
            (
                entry(None, Kind::Tool),
                Outcome::Unknown,
                Duration::from_micros(1),
                None,
                None,
                "tool",
                "unknown",
                1,
                "an unknown tool",
            ),
        ];
        let mut seen = std::collections::HashSet::new();
        for (entry, outcome, took, grant, client, kind, label, us, rule) in cases {
            let r = record(&ids, entry, outcome, took);
            assert_eq!(r.grant_id.as_deref(), grant, "{rule}");
            assert_eq!(r.client_id.as_deref(), client, "{rule}");
            assert_eq!(r.kind, kind, "{rule}");
            assert_eq!(r.outcome, label, "{rule}");
            assert_eq!(r.duration_us, us, "{rule}");
            assert_eq!(r.at_ms, 1_700_000_000_123, "{rule}");
            assert_eq!(r.name, "forecast", "{rule}");
            assert_eq!(r.arguments, r#"{"city":"Paris"}"#, "{rule}");
            let row = serde_json::to_string(&r).unwrap();
            assert!(!row.contains("hash-of-the-token"), "{rule}: {row}");
            assert!(seen.insert(r.id), "{rule}: ids are unique");
        }
    }

    /// A full buffer drops and counts, and a flush writes everything kept (a
    /// writer of the test's own: the installed one is once per process).
    #[tokio::test(flavor = "current_thread")]
    async fn a_full_buffer_drops_new_records_and_a_flush_writes_the_rest() {
        let dir = std::env::temp_dir().join(format!(
            "gumstack-audit-{}-{}",
            std::process::id(),
            crate::crypto::random()
        ));
        let store: Arc<dyn Store> = Arc::new(crate::store::open(&dir).await.unwrap());
        let sink = Sink::start(store.clone(), Duration::from_secs(3600));
        let entry = |n: usize| Entry {
            at_ms: now_ms(),
            caller: None,
            kind: Kind::Tool,
            name: format!("tool-{n}"),
            arguments: "{}".into(),
        };
        // One thread: the writer runs only once this test awaits, so the
        // buffer fills.
        for n in 0..CAPACITY + 10 {
            sink.push(entry(n), Outcome::Ok, Duration::from_micros(1));
        }
        assert_eq!(
            sink.drops.count.load(Ordering::Relaxed),
            10,
            "past the capacity"
        );
        assert!(sink.drops.warned.load(Ordering::Relaxed), "warned once");
        sink.flush().await;
        let query = crate::store::AuditQuery {
            limit: u32::MAX,
            ..Default::default()
        };
        let written = store.audit(&query).await.unwrap();
        assert_eq!(written.len(), CAPACITY, "everything kept is written");
        assert_eq!(
            written.last().unwrap().name,
            "tool-0",
            "the first ones kept"
        );
        assert_eq!(
            sink.drops.count.load(Ordering::Relaxed),
            0,
            "the drops reported"
        );
        sink.push(entry(0), Outcome::Panic, Duration::ZERO);
        sink.flush().await;
        let query = crate::store::AuditQuery {
            outcome: Some("panic".into()),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(
            store.audit(&query).await.unwrap().len(),
            1,
            "recording goes on"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn outcome_labels_are_distinct() {
        let labels: std::collections::HashSet<_> = Outcome::ALL.iter().map(|o| o.label()).collect();
        assert_eq!(labels.len(), Outcome::ALL.len());
    }
}
