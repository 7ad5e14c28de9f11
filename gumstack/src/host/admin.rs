//! The commands of `cred` and `oauth` servers beside `serve` and `config`:
//! `login` and `logout` of the local user, and the operator's `grants list`,
//! `grants revoke ID`, `rotate-key` and `audit`. A `none` server has no grants, no key
//! and nothing to log in to: [`offer`] leaves them out of its command line.
//!
//! The commands are generic over their data arguments (`D`: the host's
//! `DataOpts`, `--data-dir`/`--database-url`) so that this file need not name
//! `cli`, which names these commands.

use clap::{ArgMatches, Args, FromArgMatches, Subcommand};

use crate::{
    Error, Result, Server,
    grants::{Resealed, Revocation, Vault},
    mode::{AuthMode, HostMode, Transport},
    seal::{self, Sealer, rotation},
    store::{self, CHECKED_TOKEN_TTL, GrantSummary, Location, Place, Timestamp},
};

const ROTATE_HELP: &str = "\
Re-seal every stored secret (the users' credentials or provider tokens, the \
PKCE verifiers of sign-ins under way, the key check) with the current key, so \
that an old key can be retired. Each value is re-sealed on its own, and only if \
it did not change since it was read: it is safe to interrupt, to run again, and \
to run while servers run (a refresh meanwhile is never overwritten).

With GUMSTACK_SECRET_KEY (e.g. replicas sharing a PostgreSQL database):
  1. Make a new key: `openssl rand -base64 32`.
  2. Restart every replica with the new key as GUMSTACK_SECRET_KEY and the old
     one in GUMSTACK_PREVIOUS_SECRET_KEYS. Every replica must hold both keys
     before the rotation: one still sealing with the old key would write values
     the rotation leaves behind, and could not open the re-sealed ones.
  3. Run `rotate-key` with the same settings. It says how many values it
     re-sealed, and for each previous key, that no value sealed with it remains
     (it counts them) or how many do.
  4. Only then remove the old key from GUMSTACK_PREVIOUS_SECRET_KEYS, and
     restart the replicas.

With the generated key file (<data dir>/secret.key, SQLite):
  1. Stop the server: it reads its key at start-up only.
  2. Run `rotate-key`: it generates a new key, keeps the old one readable as
     secret.key.previous until every value is re-sealed, then deletes it.
     Interrupted, it leaves files the server opens; run it again to complete
     the rotation (no other key is generated then).
  3. Start the server.
  Each completed run retires the key in use: running it again rotates again.";

// The operator's commands. (No doc comment: on a flattened enum, clap would
// make it the about text of the server's whole command line.)
#[derive(Subcommand, Debug)]
pub(crate) enum Admin<D: Args, L: Args> {
    /// Connect the local user (for `serve --stdio`): asks for each credential,
    /// or signs in at the provider in the browser.
    Login {
        #[command(flatten)]
        options: L,
        #[command(flatten)]
        data: D,
    },
    /// Forget the local user's stored credentials.
    Logout(D),
    /// List or revoke the users' grants (their connections to this server).
    #[command(subcommand)]
    Grants(Grants<D>),
    /// Re-seal every stored secret with the current key, so an old key can be
    /// retired (see --help for the procedure).
    #[command(long_about = ROTATE_HELP)]
    RotateKey(D),
    /// The audit log: the latest calls (tools, prompts, resource reads), oldest
    /// first, as a table or JSON lines; `--follow` prints new ones as they come.
    Audit(super::audit::Audit<D>),
}

// `grants ...`
#[derive(Subcommand, Debug)]
pub(crate) enum Grants<D: Args> {
    /// One line per grant: id, account, client, when it was created and last
    /// used (to a few minutes), whether it is disconnected. Never a secret.
    List(D),
    /// Delete a grant and every token issued for it (a running server refuses
    /// them at once on PostgreSQL, within 5 s on SQLite); an `oauth` grant is
    /// revoked at the provider first, where it has a revocation endpoint.
    Revoke {
        /// The grant's id, as `grants list` shows it.
        // Ids are base64url: one in 32 starts with `-`, which must not read
        // as a flag.
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[command(flatten)]
        data: D,
    },
}

/// The options of `login` in server `S`'s mode.
pub(crate) type LoginOptions<S> = <<S as Server>::Auth as HostMode>::LoginOptions;

/// Server `S`'s command line with these commands when its mode keeps grants
/// and a key (`cred`, `oauth`). A `none` server's does not offer them: its help
/// does not list them, and it refuses them as unknown commands.
pub(crate) fn offer<S: Server, D: Args>(command: clap::Command) -> clap::Command {
    if S::Auth::KIND == "none" {
        command
    } else {
        Admin::<D, LoginOptions<S>>::augment_subcommands(command)
    }
}

/// The operator command the command line chose, if it chose one (wrong
/// arguments exit with clap's message).
pub(crate) fn chosen<D: Args, L: Args>(matches: &ArgMatches) -> Option<Admin<D, L>> {
    let (name, _) = matches.subcommand()?;
    Admin::<D, L>::has_subcommand(name)
        .then(|| Admin::from_arg_matches(matches).unwrap_or_else(|e| e.exit()))
}

/// Run an operator command on the store `location` of each command's data
/// arguments says.
pub(crate) async fn run<S: Server, D: Args>(
    command: Admin<D, LoginOptions<S>>,
    location: impl Fn(&D) -> Location,
) -> Result<()> {
    match command {
        Admin::Login { options, data } => {
            let state = S::Auth::open(
                &location(&data),
                S::NAME,
                S::Auth::settings(Transport::Stdio)?,
            )
            .await?;
            S::Auth::login(&state, S::NAME, options).await
        }
        Admin::Logout(data) => {
            let state = S::Auth::open(
                &location(&data),
                S::NAME,
                S::Auth::settings(Transport::Stdio)?,
            )
            .await?;
            S::Auth::logout(&state, S::NAME).await
        }
        Admin::Grants(Grants::List(data)) => list::<S>(&existing::<S>(&location(&data))?).await,
        Admin::Grants(Grants::Revoke { id, data }) => revoke::<S>(&location(&data), &id).await,
        Admin::RotateKey(data) => rotate_key::<S>(&existing::<S>(&location(&data))?).await,
        Admin::Audit(audit) => {
            let place = existing::<S>(&location(&audit.data))?;
            super::audit::run::<S, D>(&place, audit).await
        }
    }
}

/// The place of `S`'s store, which must exist: an operator command pointed at
/// the wrong directory says so instead of creating an empty store there.
pub(super) fn existing<S: Server>(location: &Location) -> Result<Place> {
    let place = location.place(S::NAME)?;
    if !place.has_store() {
        return Err(Error::config(format!(
            "there is no store of {} in {}: give the server's data directory with --data-dir (GUMSTACK_DATA_DIR), or its database with --database-url (GUMSTACK_DATABASE_URL)",
            S::NAME,
            place.data_dir.display()
        )));
    }
    Ok(place)
}

async fn list<S: Server>(place: &Place) -> Result<()> {
    // The store only, not the key: nothing sealed is opened to list.
    let store = store::open_for(place, S::Auth::KIND).await?;
    print!("{}", table(&store.list_grants().await?));
    Ok(())
}

async fn revoke<S: Server>(location: &Location, id: &str) -> Result<()> {
    existing::<S>(location)?;
    let state = S::Auth::open(location, S::NAME, S::Auth::settings(Transport::Stdio)?).await?;
    let Some(revocation) = S::Auth::revoke(&state, id).await? else {
        return Err(Error::config(format!(
            "there is no grant with id {id:?}: `{} grants list` shows them",
            S::NAME
        )));
    };
    println!("{}", revoked(id, &revocation));
    Ok(())
}

/// What `grants revoke` says it did.
fn revoked(id: &str, revocation: &Revocation) -> String {
    let tokens = "with every token issued for it";
    let done = match revocation {
        Revocation::Local => format!("deleted here {tokens}"),
        Revocation::AtProvider(provider) => {
            format!("revoked at {provider}, and deleted here {tokens}")
        }
        Revocation::Unsupported(provider) => format!(
            "the provider has no revocation endpoint ({provider}); deleted here only, {tokens}"
        ),
        Revocation::Failed(provider, why) => format!(
            "{provider} did not confirm the revocation ({why}); deleted here anyway, {tokens}"
        ),
    };
    format!(
        "Revoked grant {}: {done}. A running server refuses its tokens at once on PostgreSQL, within {} s on SQLite.",
        printable(id),
        CHECKED_TOKEN_TTL.as_secs()
    )
}

async fn rotate_key<S: Server>(place: &Place) -> Result<()> {
    // The key in use must open the store before anything changes.
    let vault = Vault::open(place, S::Auth::KIND).await?;
    if seal::key_in_env() {
        let report = vault.reseal().await?;
        let sealer = vault.sealer();
        println!(
            "{}",
            resealed_line(&report, sealer.key_id(), "GUMSTACK_SECRET_KEY")
        );
        let mut done = report_previous(&report, &sealer.previous_key_ids(), None);
        done &= report_unreadable(&report);
        return finished(done);
    }
    let promoted = rotation::promote(&place.data_dir)?;
    if promoted.resumed {
        println!(
            "Completing an interrupted rotation: key {} is current, the previous key {} is in {}.",
            promoted.current,
            promoted.previous,
            promoted.previous_file.display()
        );
    } else {
        println!(
            "Generated a new key {} in {}; the previous key {} stays readable in {} until every value is re-sealed.",
            promoted.current,
            promoted.current_file.display(),
            promoted.previous,
            promoted.previous_file.display()
        );
    }
    let vault = Vault::new(vault.store().clone(), Sealer::load(&place.data_dir)?);
    let report = vault.reseal().await?;
    let file = promoted.current_file.display().to_string();
    println!("{}", resealed_line(&report, &promoted.current, &file));
    let mut done = report_previous(
        &report,
        &vault.sealer().previous_key_ids(),
        Some(&promoted.previous),
    );
    if report.remaining_under(&promoted.previous) == 0 {
        rotation::retire(&place.data_dir)?;
        println!(
            "Deleted {}: the server needs only {file} now.",
            promoted.previous_file.display()
        );
    }
    done &= report_unreadable(&report);
    println!("Start (or restart) the server: it reads its key at start-up.");
    finished(done)
}

fn resealed_line(report: &Resealed, key_id: &str, source: &str) -> String {
    match report.resealed {
        0 => format!("Nothing to re-seal: no value needed key {key_id} ({source})."),
        1 => format!("Re-sealed 1 value with key {key_id} ({source})."),
        n => format!("Re-sealed {n} values with key {key_id} ({source})."),
    }
}

/// Say, for each previous key, whether a value sealed with it remains;
/// `file_key`: the one kept in `secret.key.previous` (the others come from
/// GUMSTACK_PREVIOUS_SECRET_KEYS). False when one remains.
fn report_previous(report: &Resealed, previous: &[&str], file_key: Option<&str>) -> bool {
    let mut seen = Vec::new();
    let mut done = true;
    for &id in previous {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let (remove, keep) = if Some(id) == file_key {
            (
                "it is no longer needed",
                format!("{} is kept", rotation::PREVIOUS_FILE),
            )
        } else {
            (
                "it can be removed from GUMSTACK_PREVIOUS_SECRET_KEYS",
                "keep it in GUMSTACK_PREVIOUS_SECRET_KEYS".to_owned(),
            )
        };
        match report.remaining_under(id) {
            0 => println!("No value sealed with key {id} remains: {remove}."),
            n => {
                done = false;
                let then = if report.unreadable.is_empty() {
                    "a server still sealing with that key wrote them: restart every server with the new key current, then run rotate-key again"
                } else {
                    "values that do not open are listed below: restore them or delete their grants (`grants revoke ID`), then run rotate-key again"
                };
                println!("{} still sealed with key {id}: {keep}; {then}.", values(n));
            }
        }
    }
    for (id, n) in &report.remaining {
        if !seen.contains(&id.as_str()) {
            println!(
                "{} sealed with key {id}, which is not configured: they do not open.",
                values(*n)
            );
        }
    }
    done
}

/// List the values that did not open; false when there is one.
fn report_unreadable(report: &Resealed) -> bool {
    for (context, why) in &report.unreadable {
        println!("Not re-sealed: {}: {why}", printable(context));
    }
    report.unreadable.is_empty()
}

fn finished(done: bool) -> Result<()> {
    if done {
        Ok(())
    } else {
        Err(Error::config(
            "the rotation is not complete: some values are not sealed with the current key (see above)",
        ))
    }
}

fn values(n: usize) -> String {
    if n == 1 {
        "1 value is".into()
    } else {
        format!("{n} values are")
    }
}

/// `grants list`: an aligned table, one grant a line, or a sentence when there
/// is none.
fn table(grants: &[GrantSummary]) -> String {
    if grants.is_empty() {
        return "No grants: nobody has connected to this server yet.\n".into();
    }
    let header = ["ID", "ACCOUNT", "CLIENT", "CREATED", "LAST USED", ""];
    let rows: Vec<[String; 6]> = grants
        .iter()
        .map(|g| {
            [
                printable(&g.id),
                account(g),
                client(g),
                rfc3339(g.created_at),
                g.last_used_at.map_or_else(|| "-".into(), rfc3339),
                if g.disconnected { "disconnected" } else { "" }.into(),
            ]
        })
        .collect();
    aligned(header, rows)
}

/// `header` and `rows` as columns aligned on the widest cell, two spaces
/// apart (the `grants list` and `audit` tables).
pub(super) fn aligned<const N: usize>(header: [&str; N], rows: Vec<[String; N]>) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header.map(String::from)).chain(rows) {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The account of a grant: its display name and the provider's id of it,
/// where known (`cred` grants have neither).
fn account(grant: &GrantSummary) -> String {
    match (&grant.nickname, &grant.account_id) {
        (Some(name), Some(id)) => format!("{} ({})", printable(name), printable(id)),
        (Some(name), None) => printable(name),
        (None, Some(id)) => format!("({})", printable(id)),
        (None, None) => "-".into(),
    }
}

/// The client of a grant: its id and registered name, where it has them.
fn client(grant: &GrantSummary) -> String {
    match (&grant.client_id, &grant.client_name) {
        (Some(id), Some(name)) => format!("{} ({})", printable(id), printable(name)),
        (Some(id), None) => printable(id),
        (None, _) => "local login".into(),
    }
}

/// `text` safe to print on a terminal: names come from clients and providers,
/// and a control or bidirectional-override character in one could rewrite what
/// the operator sees. Those are shown escaped.
pub(super) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || hidden {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// `t` (seconds since the Unix epoch) in RFC 3339, UTC, to the second.
pub(super) fn rfc3339(t: Timestamp) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`: eras of 400 years, years starting in March).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc_3339_in_utc() {
        // (seconds, text, rule)
        let cases = [
            (0, "1970-01-01T00:00:00Z", "the epoch"),
            (-1, "1969-12-31T23:59:59Z", "before the epoch"),
            (
                951_782_400,
                "2000-02-29T00:00:00Z",
                "a leap day of a year divisible by 400",
            ),
            (
                1_709_208_000,
                "2024-02-29T12:00:00Z",
                "a leap day of a year divisible by 4",
            ),
            (
                4_102_444_800,
                "2100-01-01T00:00:00Z",
                "after a century year that is not leap",
            ),
            (
                1_700_000_000,
                "2023-11-14T22:13:20Z",
                "hours, minutes, seconds",
            ),
            (
                253_402_300_799,
                "9999-12-31T23:59:59Z",
                "the last second of four digits",
            ),
        ];
        for (t, text, rule) in cases {
            assert_eq!(rfc3339(t), text, "{rule}");
        }
    }

    #[test]
    fn names_from_outside_cannot_rewrite_the_terminal() {
        // (input, shown, rule)
        let cases = [
            ("Claude Desktop", "Claude Desktop", "plain text is kept"),
            ("Zoë ✓", "Zoë ✓", "other scripts and symbols are kept"),
            (
                "a\u{1b}[2Jb",
                "a\\u{1b}[2Jb",
                "an escape sequence is shown, not run",
            ),
            (
                "a\nb\tc",
                "a\\u{a}b\\u{9}c",
                "a line break cannot fake a row",
            ),
            (
                "evil\u{202e}txt.exe",
                "evil\\u{202e}txt.exe",
                "a bidirectional override",
            ),
            (
                "in\u{200b}visible",
                "in\\u{200b}visible",
                "a zero-width space",
            ),
        ];
        for (input, shown, rule) in cases {
            assert_eq!(printable(input), shown, "{rule}");
        }
    }

    fn grant(id: &str) -> GrantSummary {
        GrantSummary {
            id: id.into(),
            client_id: Some("client-1".into()),
            client_name: Some("Claude".into()),
            nickname: Some("ada".into()),
            account_id: Some("mock-ada".into()),
            created_at: 1_700_000_000,
            last_used_at: Some(1_700_000_300),
            disconnected: false,
        }
    }

    #[test]
    fn each_grant_is_a_line_of_an_aligned_table() {
        let oauth = grant("g1");
        let cred = GrantSummary {
            client_name: None,
            nickname: None,
            account_id: None,
            last_used_at: None,
            disconnected: true,
            ..grant("grant-two")
        };
        let local = GrantSummary {
            client_id: None,
            client_name: None,
            ..grant("local")
        };
        assert_eq!(
            table(&[oauth, cred, local]),
            "\
ID         ACCOUNT         CLIENT             CREATED               LAST USED
g1         ada (mock-ada)  client-1 (Claude)  2023-11-14T22:13:20Z  2023-11-14T22:18:20Z
grant-two  -               client-1           2023-11-14T22:13:20Z  -                     disconnected
local      ada (mock-ada)  local login        2023-11-14T22:13:20Z  2023-11-14T22:18:20Z
"
        );
        assert_eq!(
            table(&[]),
            "No grants: nobody has connected to this server yet.\n",
            "an empty store says so"
        );
    }

    #[test]
    fn revoking_says_what_reached_the_provider() {
        // (what happened, said, rule)
        let cases = [
            (
                Revocation::Local,
                "deleted here with every token",
                "cred: nothing upstream",
            ),
            (
                Revocation::AtProvider("linear".into()),
                "revoked at linear, and deleted here",
                "the provider confirmed",
            ),
            (
                Revocation::Unsupported("mock".into()),
                "the provider has no revocation endpoint (mock); deleted here only",
                "no endpoint: said so",
            ),
            (
                Revocation::Failed("mock".into(), "503".into()),
                "mock did not confirm the revocation (503); deleted here",
                "a failure is not hidden",
            ),
        ];
        for (revocation, said, rule) in cases {
            let line = revoked("g1", &revocation);
            assert!(line.contains(said), "{rule}: {line}");
            assert!(line.starts_with("Revoked grant g1: "), "{rule}: {line}");
        }
    }

    #[test]
    fn an_old_key_is_declared_removable_only_when_nothing_is_sealed_with_it() {
        let report = |remaining: &[(&str, usize)]| Resealed {
            resealed: 0,
            unreadable: Vec::new(),
            remaining: remaining.iter().map(|(k, n)| ((*k).into(), *n)).collect(),
        };
        // (remaining, previous keys, complete, rule)
        type Left<'a> = &'a [(&'a str, usize)];
        let cases: [(Left, &[&str], bool, &str); 4] = [
            (&[], &["old"], true, "nothing left under the old key"),
            (&[("old", 1)], &["old"], false, "one value left under it"),
            (
                &[("other", 2)],
                &["old"],
                true,
                "values of an unknown key do not hold the old one",
            ),
            (
                &[("old", 0), ("b", 3)],
                &["old", "b"],
                false,
                "each previous key is counted",
            ),
        ];
        for (remaining, previous, complete, rule) in cases {
            assert_eq!(
                report_previous(&report(remaining), previous, None),
                complete,
                "{rule}"
            );
        }
    }
}
