//! Permission groups: which tools each user may call, from the operator's
//! file (`serve --permissions FILE`, `GUMSTACK_PERMISSIONS`), in the YAML of
//! `config`:
//!
//! ```yaml
//! default: readers            # the group of everyone no group lists
//! groups:
//!   readers:
//!     tools: [list_notes]
//!   writers:
//!     tools: ["*"]            # every tool
//!     members:
//!       - "nickname:alice@example.com"   # the account's name at the provider
//!       - "account:8317201"              # its id there (the provider's subject)
//!       - "client:3f2a..."               # an MCP client, by its client id
//!       - "claim:organization=org-42"    # `cred`: a field of the credentials
//! ```
//!
//! A claim names a field of a `cred` server's credentials that is not secret
//! (an organization, a user name) and the value a member entered in it.
//!
//! A user may call the tools of every group that lists them, or of the
//! default group when none does (no default: no tool). `tools/list` shows
//! only those; a call to another tool is refused with a tool error that says
//! so. The file is read whole and checked (every tool named must exist, the
//! default must be a group) before it takes effect: at start-up, where a bad
//! file stops the server, and on `SIGHUP`, where a bad file is reported and
//! the groups in force stay as they were. Without a file every user may call
//! every tool; stdio's local user always may.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock},
};

use yaml_rust2::{Yaml, YamlLoader};

use crate::{Error, Result, auth_server::Identity, grants::CredGrants, store::Store};

/// Longest permissions file read.
const MAX_BYTES: u64 = 1024 * 1024;
/// Callers whose tools are remembered at most (then forgotten all at once).
const MAX_CACHED: usize = 100_000;

/// The groups, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permissions {
    groups: BTreeMap<String, Group>,
    default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    /// `None`: every tool (`"*"`).
    tools: Option<BTreeSet<String>>,
    members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Nickname(String),
    Account(String),
    Client(String),
    /// A credentials field (not secret) and its value.
    Claim {
        field: String,
        value: String,
    },
}

/// Who calls, as membership is decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'a> {
    pub nickname: Option<&'a str>,
    pub account: Option<&'a str>,
    pub client: &'a str,
    /// A `cred` user's claims: the credentials' fields that are not secret.
    pub claims: Option<&'a BTreeMap<String, String>>,
}

/// What a member may be named by.
const MEMBER_KINDS: &str =
    "\"nickname:NAME\", \"account:ID\", \"client:CLIENT_ID\" or \"claim:FIELD=VALUE\"";

/// What one caller may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allowed {
    /// The groups that decided it.
    pub groups: Vec<String>,
    /// `None`: every tool.
    tools: Option<BTreeSet<String>>,
}

impl Allowed {
    pub(crate) fn may_call(&self, tool: &str) -> bool {
        self.tools.as_ref().is_none_or(|tools| tools.contains(tool))
    }
}

impl Member {
    /// `claims`: the fields a claim may name (a `cred` server's fields that
    /// are not secret; none elsewhere).
    fn parse(text: &str, claims: &[&str]) -> std::result::Result<Self, String> {
        let (kind, value) = text.split_once(':').unwrap_or(("", text));
        let value = value.trim();
        if value.is_empty() {
            return Err(format!(
                "member {text:?} names no one: write {MEMBER_KINDS}"
            ));
        }
        match kind.trim() {
            "nickname" => Ok(Member::Nickname(value.to_owned())),
            "account" => Ok(Member::Account(value.to_owned())),
            "client" => Ok(Member::Client(value.to_owned())),
            "claim" => {
                let Some((field, value)) = value.split_once('=') else {
                    return Err(format!("member {text:?}: a claim is \"claim:FIELD=VALUE\""));
                };
                let field = field.trim();
                if !claims.contains(&field) {
                    let fields = if claims.is_empty() {
                        "this server has none: claims are the fields of a `cred` server's credentials that are not secret".to_owned()
                    } else {
                        format!("its claims: {}", claims.join(", "))
                    };
                    return Err(format!(
                        "member {text:?}: no claim `{field}` on this server ({fields})"
                    ));
                }
                Ok(Member::Claim {
                    field: field.to_owned(),
                    value: value.trim().to_owned(),
                })
            }
            _ => Err(format!("member {text:?}: expected {MEMBER_KINDS}")),
        }
    }

    fn matches(&self, caller: &Caller<'_>) -> bool {
        match self {
            Member::Nickname(name) => caller.nickname == Some(name.as_str()),
            Member::Account(id) => caller.account == Some(id.as_str()),
            Member::Client(id) => caller.client == id,
            Member::Claim { field, value } => caller
                .claims
                .and_then(|claims| claims.get(field))
                .is_some_and(|v| v == value),
        }
    }

    fn text(&self) -> String {
        match self {
            Member::Nickname(name) => format!("nickname:{name}"),
            Member::Account(id) => format!("account:{id}"),
            Member::Client(id) => format!("client:{id}"),
            Member::Claim { field, value } => format!("claim:{field}={value}"),
        }
    }
}

fn string_list(value: &Yaml, what: &str) -> std::result::Result<Vec<String>, String> {
    match value {
        Yaml::BadValue => Ok(Vec::new()),
        Yaml::Array(items) => items
            .iter()
            .map(|item| match item {
                Yaml::String(s) => Ok(s.clone()),
                Yaml::Integer(i) => Ok(i.to_string()),
                _ => Err(format!("{what}: each entry is a string")),
            })
            .collect(),
        _ => Err(format!("{what} is a list: [a, b]")),
    }
}

impl Permissions {
    /// Read and check the file's text against the server's `tools` and the
    /// `claims` a member may be named by.
    pub(crate) fn parse(
        text: &str,
        tools: &[&str],
        claims: &[&str],
    ) -> std::result::Result<Self, String> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
        let [doc] = docs.as_slice() else {
            return Err("expected one YAML document".into());
        };
        let Yaml::Hash(top) = doc else {
            return Err("expected a mapping with `groups` (and `default`)".into());
        };
        for key in top.keys() {
            if !matches!(key.as_str(), Some("groups" | "default")) {
                return Err(format!(
                    "unknown key {key:?}: expected `groups` and `default`"
                ));
            }
        }
        let Yaml::Hash(listed) = &doc["groups"] else {
            return Err("`groups` is missing, or not a mapping of group names".into());
        };
        let mut groups = BTreeMap::new();
        for (name, group) in listed {
            let Some(name) = name.as_str() else {
                return Err(format!("group name {name:?} is not a string"));
            };
            let Yaml::Hash(fields) = group else {
                return Err(format!("group `{name}`: expected `tools` and `members`"));
            };
            for key in fields.keys() {
                if !matches!(key.as_str(), Some("tools" | "members")) {
                    return Err(format!(
                        "group `{name}`: unknown key {key:?}; expected `tools` and `members`"
                    ));
                }
            }
            let named = string_list(&group["tools"], &format!("group `{name}`: `tools`"))?;
            let tools = if named.iter().any(|t| t == "*") {
                None
            } else {
                for tool in &named {
                    if !tools.contains(&tool.as_str()) {
                        return Err(format!(
                            "group `{name}`: no tool `{tool}` on this server (its tools: {})",
                            tools.join(", ")
                        ));
                    }
                }
                Some(named.into_iter().collect())
            };
            let members = string_list(&group["members"], &format!("group `{name}`: `members`"))?
                .iter()
                .map(|m| Member::parse(m, claims).map_err(|e| format!("group `{name}`: {e}")))
                .collect::<std::result::Result<_, _>>()?;
            groups.insert(name.to_owned(), Group { tools, members });
        }
        let default = match &doc["default"] {
            Yaml::BadValue | Yaml::Null => None,
            Yaml::String(name) if groups.contains_key(name) => Some(name.clone()),
            Yaml::String(name) => {
                return Err(format!(
                    "`default` names no group: `{name}` (groups: {})",
                    groups.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            _ => return Err("`default` is a group's name".into()),
        };
        Ok(Self { groups, default })
    }

    /// What `caller` may call: the tools of every group that lists them, or
    /// of the default group.
    pub(crate) fn allowed(&self, caller: &Caller<'_>) -> Allowed {
        let mut listed: Vec<(&String, &Group)> = self
            .groups
            .iter()
            .filter(|(_, g)| g.members.iter().any(|m| m.matches(caller)))
            .collect();
        if listed.is_empty()
            && let Some((name, group)) = self
                .default
                .as_ref()
                .and_then(|d| self.groups.get_key_value(d))
        {
            listed.push((name, group));
        }
        let mut tools = Some(BTreeSet::new());
        for (_, group) in &listed {
            match (&mut tools, &group.tools) {
                (Some(all), Some(these)) => all.extend(these.iter().cloned()),
                (_, None) => tools = None,
                (None, Some(_)) => {}
            }
        }
        Allowed {
            groups: listed.into_iter().map(|(n, _)| n.clone()).collect(),
            tools,
        }
    }

    /// The groups as `config` prints them (YAML).
    pub(crate) fn render(&self) -> String {
        let quoted = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut out = String::from("permissions:\n");
        if let Some(default) = &self.default {
            out.push_str(&format!("  default: {}\n", quoted(default)));
        }
        out.push_str("  groups:\n");
        for (name, group) in &self.groups {
            out.push_str(&format!("    {}:\n", quoted(name)));
            let tools: Vec<String> = match &group.tools {
                None => vec![quoted("*")],
                Some(tools) => tools.iter().map(|t| quoted(t)).collect(),
            };
            out.push_str(&format!("      tools: [{}]\n", tools.join(", ")));
            let members: Vec<String> = group.members.iter().map(|m| quoted(&m.text())).collect();
            out.push_str(&format!("      members: [{}]\n", members.join(", ")));
        }
        out
    }
}

/// What the file is checked against: the server's tools and claims.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub tools: Vec<String>,
    /// The fields of a `cred` server's credentials that are not secret.
    pub claims: Vec<String>,
}

impl Names {
    /// Of server `S`.
    pub(crate) fn of<S: crate::Server>() -> Self {
        Self {
            tools: S::tools().iter().map(|t| t.name.to_string()).collect(),
            claims: <S::Auth as crate::mode::AuthMode>::FIELDS
                .iter()
                .filter(|f| !f.secret)
                .map(|f| f.name.to_owned())
                .collect(),
        }
    }
}

/// Read `path` and check it against `names`.
pub(crate) fn read(path: &Path, names: &Names) -> Result<Permissions> {
    let bad = |why: String| {
        Error::config(format!(
            "permissions file {} (GUMSTACK_PERMISSIONS): {why}",
            path.display()
        ))
    };
    let size = std::fs::metadata(path)
        .map_err(|e| bad(format!("cannot read it: {e}")))?
        .len();
    if size > MAX_BYTES {
        return Err(bad(format!("it is larger than {MAX_BYTES} bytes")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let tools: Vec<&str> = names.tools.iter().map(String::as_str).collect();
    let claims: Vec<&str> = names.claims.iter().map(String::as_str).collect();
    Permissions::parse(&text, &tools, &claims).map_err(bad)
}

/// The groups in force, and what each grant may call under them.
struct Active {
    permissions: Permissions,
    by_grant: Mutex<HashMap<String, Arc<Allowed>>>,
}

/// Where the groups come from, and what they need to decide.
struct Source {
    path: PathBuf,
    names: Names,
    store: Option<Arc<dyn Store>>,
    /// Where a `cred` user's claims are read.
    claims: Option<Arc<CredGrants>>,
}

static ACTIVE: RwLock<Option<Arc<Active>>> = RwLock::new(None);
static SOURCE: Mutex<Option<Source>> = Mutex::new(None);

/// Put the groups of `path` in force (start-up: an error stops the server).
pub(crate) fn install(
    path: PathBuf,
    names: Names,
    store: Option<Arc<dyn Store>>,
    claims: Option<Arc<CredGrants>>,
) -> Result<()> {
    let permissions = read(&path, &names)?;
    tracing::info!(
        file = %path.display(),
        groups = permissions.groups.len(),
        "permission groups in force"
    );
    set(permissions);
    *SOURCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(Source {
        path,
        names,
        store,
        claims,
    });
    Ok(())
}

fn set(permissions: Permissions) {
    let active = Arc::new(Active {
        permissions,
        by_grant: Mutex::default(),
    });
    *ACTIVE.write().unwrap_or_else(|e| e.into_inner()) = Some(active);
}

/// Read the file again (`SIGHUP`): the new groups take effect whole, or, if
/// the file is bad, not at all.
pub(crate) fn reload() {
    let source = SOURCE.lock().unwrap_or_else(|e| e.into_inner());
    let Some(source) = source.as_ref() else {
        return;
    };
    match read(&source.path, &source.names) {
        Ok(permissions) => {
            tracing::info!(
                file = %source.path.display(),
                groups = permissions.groups.len(),
                "permission groups reloaded"
            );
            set(permissions);
        }
        Err(e) => tracing::error!("{e}; the permission groups in force stay as they were"),
    }
}

/// What the caller of `identity` may call; `None` when no groups are in force.
pub(crate) async fn allowed(identity: Option<&Identity>) -> Option<Arc<Allowed>> {
    let active = ACTIVE.read().unwrap_or_else(|e| e.into_inner()).clone()?;
    let Some(identity) = identity else {
        // Stdio's local user: the operator's own server.
        return None;
    };
    let grant = identity.grant_id();
    if let Some(known) = active
        .by_grant
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(grant)
    {
        return Some(known.clone());
    }
    // Once per grant (and per reload): the account's name and id, or the
    // credentials' claims.
    let (store, claim_source) = SOURCE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|s| (s.store.clone(), s.claims.clone()))
        .unwrap_or_default();
    let record = match store {
        Some(store) => store.get_grant(grant).await.unwrap_or_else(|e| {
            tracing::warn!("reading a grant for its permissions failed: {e:#}");
            None
        }),
        None => None,
    };
    let claims = match claim_source {
        Some(grants) => Some(grants.claims(grant).await.unwrap_or_else(|e| {
            tracing::warn!("reading a grant's claims for its permissions failed: {e:#}");
            BTreeMap::new()
        })),
        None => None,
    };
    let caller = Caller {
        nickname: record.as_ref().and_then(|r| r.nickname.as_deref()),
        account: record.as_ref().and_then(|r| r.account_id.as_deref()),
        client: identity.client_id(),
        claims: claims.as_ref(),
    };
    let allowed = Arc::new(active.permissions.allowed(&caller));
    let mut cache = active.by_grant.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= MAX_CACHED {
        cache.clear();
    }
    cache.insert(grant.to_owned(), allowed.clone());
    Some(allowed)
}

/// The tool error of a call to `tool` that `allowed` does not include.
pub(crate) fn refusal(allowed: &Allowed, tool: &str) -> String {
    let groups = if allowed.groups.is_empty() {
        "you are in no group".to_owned()
    } else {
        format!("your groups: {}", allowed.groups.join(", "))
    };
    format!(
        "You may not call `{tool}` on this server ({groups}). The server's operator decides who may call which tools."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOLS: &[&str] = &["list_notes", "add_note", "delete_notes"];
    const CLAIMS: &[&str] = &["organization"];

    const FILE: &str = r#"
default: readers
groups:
  readers:
    tools: [list_notes]
  writers:
    tools: [list_notes, add_note]
    members: ["nickname:alice@example.com", "client:c-1"]
  admins:
    tools: ["*"]
    members: ["account:42", "claim:organization=org-7"]
"#;

    fn caller<'a>(
        nickname: Option<&'a str>,
        account: Option<&'a str>,
        client: &'a str,
    ) -> Caller<'a> {
        Caller {
            nickname,
            account,
            client,
            claims: None,
        }
    }

    #[test]
    #[allow(clippy::type_complexity)] // the rows of the table
    fn who_may_call_what() {
        let p = Permissions::parse(FILE, TOOLS, CLAIMS).unwrap();
        let cases: &[(Caller, &[&str], &[&str], &[&str])] = &[
            // caller, groups, may call, may not
            (
                caller(Some("bob"), None, "c-9"),
                &["readers"],
                &["list_notes"],
                &["add_note", "delete_notes"],
            ),
            (
                caller(Some("alice@example.com"), None, "c-9"),
                &["writers"],
                &["list_notes", "add_note"],
                &["delete_notes"],
            ),
            (
                caller(None, None, "c-1"),
                &["writers"],
                &["add_note"],
                &["delete_notes"],
            ),
            (
                caller(Some("alice@example.com"), Some("42"), "c-9"),
                &["admins", "writers"],
                &["delete_notes", "add_note"],
                &[],
            ),
            // A name is compared whole: no prefix, no case folding.
            (
                caller(Some("Alice@example.com"), Some("420"), "c-10"),
                &["readers"],
                &[],
                &["add_note"],
            ),
        ];
        // A `cred` user, by a claim: the value is compared whole.
        let org = |value: &str| BTreeMap::from([("organization".to_owned(), value.to_owned())]);
        let (seven, seventy) = (org("org-7"), org("org-70"));
        let claimed = |claims| Caller {
            claims: Some(claims),
            ..caller(None, None, "c-9")
        };
        let cases = [
            cases.to_vec(),
            vec![
                (
                    claimed(&seven),
                    &["admins"][..],
                    &["delete_notes"][..],
                    &[][..],
                ),
                (
                    claimed(&seventy),
                    &["readers"],
                    &["list_notes"],
                    &["add_note"],
                ),
            ],
        ]
        .concat();
        for (caller, groups, may, may_not) in &cases {
            let allowed = p.allowed(caller);
            assert_eq!(allowed.groups, *groups, "{caller:?}");
            for tool in *may {
                assert!(allowed.may_call(tool), "{caller:?} {tool}");
            }
            for tool in *may_not {
                assert!(!allowed.may_call(tool), "{caller:?} {tool}");
            }
        }
        // Without a default, a user no group lists may call nothing.
        let strict =
            Permissions::parse("groups:\n  a:\n    tools: [\"*\"]\n", TOOLS, CLAIMS).unwrap();
        let nobody = strict.allowed(&caller(None, None, "c"));
        assert!(nobody.groups.is_empty() && !nobody.may_call("list_notes"));
    }

    #[test]
    fn a_bad_file_is_refused_whole_with_what_is_wrong() {
        let cases: &[(&str, &str)] = &[
            ("groups: [a]", "`groups` is missing, or not a mapping"),
            (
                "default: x\ngroups:\n  a:\n    tools: []\n",
                "`default` names no group: `x`",
            ),
            (
                "groups:\n  a:\n    tools: [add_notes]\n",
                "no tool `add_notes` on this server",
            ),
            (
                "groups:\n  a:\n    tools: list_notes\n",
                "`tools` is a list",
            ),
            ("groups:\n  a:\n    tool: [list_notes]\n", "unknown key"),
            (
                "groups:\n  a:\n    members: [\"email:x\"]\n",
                "expected \"nickname:NAME\"",
            ),
            (
                "groups:\n  a:\n    members: [\"nickname:\"]\n",
                "names no one",
            ),
            (
                "groups:\n  a:\n    members: [\"claim:api_key=sk-1\"]\n",
                "no claim `api_key` on this server (its claims: organization)",
            ),
            (
                "groups:\n  a:\n    members: [\"claim:organization\"]\n",
                "a claim is \"claim:FIELD=VALUE\"",
            ),
            ("group:\n  a: {}\n", "unknown key"),
            ("groups: {a: [}", "not YAML"),
            ("", "expected one YAML document"),
        ];
        for (text, expected) in cases {
            let error = Permissions::parse(text, TOOLS, CLAIMS).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn config_prints_what_was_read() {
        let p = Permissions::parse(FILE, TOOLS, CLAIMS).unwrap();
        let printed = p.render();
        assert!(printed.contains("  default: \"readers\"\n"), "{printed}");
        assert!(printed.contains("      tools: [\"*\"]\n"), "{printed}");
        assert!(
            printed.contains("members: [\"nickname:alice@example.com\", \"client:c-1\"]"),
            "{printed}"
        );
        // What `config` prints reads back as the same groups.
        let body = printed
            .lines()
            .skip(1)
            .map(|l| l.strip_prefix("  ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(Permissions::parse(&body, TOOLS, CLAIMS).unwrap(), p);
    }
}
