//! The scopes of the presets, as their providers document them. Each scope
//! lists every scope it covers (coverage is not followed further).

crate::scopes! {
    /// Linear's OAuth scopes
    /// (<https://linear.app/developers/oauth-2-0-authentication>). `read` is
    /// always granted; `write` is write access to the account, of which the
    /// others (but `admin`) are the targeted parts.
    pub struct LinearScope {
        /// Read your Linear data.
        read = "read",
        /// Change your Linear data (issues, comments, time schedules).
        write = "write" implies ["issues:create", "comments:create", "timeSchedule:write"],
        /// Create issues and their attachments.
        issues_create = "issues:create",
        /// Comment on issues.
        comments_create = "comments:create",
        /// Create and change time schedules.
        time_schedule_write = "timeSchedule:write",
        /// Administer your Linear workspace.
        admin = "admin",
    }
}

crate::scopes! {
    /// GitHub's scopes for OAuth apps
    /// (<https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps>):
    /// a scope covers those the page lists under it.
    pub struct GitHubScope {
        /// Read and write your public and private repositories.
        repo = "repo" implies ["repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"],
        /// Read and write commit statuses.
        repo_status = "repo:status",
        /// Read and write deployment statuses.
        repo_deployment = "repo_deployment",
        /// Read and write your public repositories.
        public_repo = "public_repo",
        /// Accept and decline repository invitations.
        repo_invite = "repo:invite",
        /// Read and write security events.
        security_events = "security_events",
        /// Administer repository hooks.
        admin_repo_hook = "admin:repo_hook" implies ["write:repo_hook", "read:repo_hook"],
        /// Read and write repository hooks.
        write_repo_hook = "write:repo_hook" implies ["read:repo_hook"],
        /// Read repository hooks.
        read_repo_hook = "read:repo_hook",
        /// Administer your organizations, teams and memberships.
        admin_org = "admin:org" implies ["write:org", "read:org"],
        /// Read and write organization and team membership.
        write_org = "write:org" implies ["read:org"],
        /// Read organization and team membership.
        read_org = "read:org",
        /// Administer your public keys.
        admin_public_key = "admin:public_key" implies ["write:public_key", "read:public_key"],
        /// Create and read your public keys.
        write_public_key = "write:public_key" implies ["read:public_key"],
        /// Read your public keys.
        read_public_key = "read:public_key",
        /// Administer organization hooks.
        admin_org_hook = "admin:org_hook",
        /// Write gists.
        gist = "gist",
        /// Read your notifications.
        notifications = "notifications",
        /// Read and write your profile.
        user = "user" implies ["read:user", "user:email", "user:follow"],
        /// Read your profile.
        read_user = "read:user",
        /// Read your email addresses.
        user_email = "user:email",
        /// Follow and unfollow users.
        user_follow = "user:follow",
        /// Read and write projects.
        project = "project" implies ["read:project"],
        /// Read projects.
        read_project = "read:project",
        /// Delete repositories.
        delete_repo = "delete_repo",
        /// Upload and read packages.
        write_packages = "write:packages" implies ["read:packages"],
        /// Read packages.
        read_packages = "read:packages",
        /// Delete packages.
        delete_packages = "delete:packages",
        /// Administer your GPG keys.
        admin_gpg_key = "admin:gpg_key" implies ["write:gpg_key", "read:gpg_key"],
        /// Create and read your GPG keys.
        write_gpg_key = "write:gpg_key" implies ["read:gpg_key"],
        /// Read your GPG keys.
        read_gpg_key = "read:gpg_key",
        /// Create and manage codespaces.
        codespace = "codespace",
        /// Change GitHub Actions workflows.
        workflow = "workflow",
        /// Read and write team discussions.
        write_discussion = "write:discussion" implies ["read:discussion"],
        /// Read team discussions.
        read_discussion = "read:discussion",
    }
}

crate::scopes! {
    /// Slack's "Sign in with Slack" (OpenID Connect) scopes
    /// (<https://api.slack.com/authentication/sign-in-with-slack>), the only
    /// ones the preset's endpoint takes.
    pub struct SlackScope {
        /// Know who you are on Slack.
        openid = "openid",
        /// Read your email address.
        email = "email",
        /// Read your name and picture.
        profile = "profile",
    }
}

crate::scopes! {
    /// Google's sign-in scopes and common API scopes
    /// (<https://developers.google.com/identity/protocols/oauth2/scopes>);
    /// Google writes `email` and `profile` back as their `userinfo` URLs, so
    /// each pair covers the other.
    pub struct GoogleScope {
        /// Know who you are on Google.
        openid = "openid",
        /// Read your email address.
        email = "email" implies ["https://www.googleapis.com/auth/userinfo.email"],
        /// Read your name and picture.
        profile = "profile" implies ["https://www.googleapis.com/auth/userinfo.profile"],
        /// Read your email address.
        userinfo_email = "https://www.googleapis.com/auth/userinfo.email" implies ["email"],
        /// Read your name and picture.
        userinfo_profile = "https://www.googleapis.com/auth/userinfo.profile" implies ["profile"],
        /// Read, send, delete and manage all your email.
        gmail = "https://mail.google.com/" implies [
            "https://www.googleapis.com/auth/gmail.modify",
            "https://www.googleapis.com/auth/gmail.readonly",
            "https://www.googleapis.com/auth/gmail.compose",
            "https://www.googleapis.com/auth/gmail.send",
            "https://www.googleapis.com/auth/gmail.labels",
            "https://www.googleapis.com/auth/gmail.metadata",
        ],
        /// Read, compose and send your email.
        gmail_modify = "https://www.googleapis.com/auth/gmail.modify" implies [
            "https://www.googleapis.com/auth/gmail.readonly",
            "https://www.googleapis.com/auth/gmail.compose",
            "https://www.googleapis.com/auth/gmail.send",
            "https://www.googleapis.com/auth/gmail.labels",
            "https://www.googleapis.com/auth/gmail.metadata",
        ],
        /// Read your email and its settings.
        gmail_readonly = "https://www.googleapis.com/auth/gmail.readonly" implies [
            "https://www.googleapis.com/auth/gmail.metadata",
        ],
        /// Write drafts and send email.
        gmail_compose = "https://www.googleapis.com/auth/gmail.compose" implies [
            "https://www.googleapis.com/auth/gmail.send",
        ],
        /// Send email for you.
        gmail_send = "https://www.googleapis.com/auth/gmail.send",
        /// Manage your mailbox labels.
        gmail_labels = "https://www.googleapis.com/auth/gmail.labels",
        /// Read your email's metadata (labels and headers, not bodies).
        gmail_metadata = "https://www.googleapis.com/auth/gmail.metadata",
        /// Read and change your calendars.
        calendar = "https://www.googleapis.com/auth/calendar" implies [
            "https://www.googleapis.com/auth/calendar.readonly",
            "https://www.googleapis.com/auth/calendar.events",
            "https://www.googleapis.com/auth/calendar.events.readonly",
        ],
        /// Read your calendars.
        calendar_readonly = "https://www.googleapis.com/auth/calendar.readonly" implies [
            "https://www.googleapis.com/auth/calendar.events.readonly",
        ],
        /// Read and change events on your calendars.
        calendar_events = "https://www.googleapis.com/auth/calendar.events" implies [
            "https://www.googleapis.com/auth/calendar.events.readonly",
        ],
        /// Read events on your calendars.
        calendar_events_readonly = "https://www.googleapis.com/auth/calendar.events.readonly",
        /// Read, change and delete all your Google Drive files.
        drive = "https://www.googleapis.com/auth/drive" implies [
            "https://www.googleapis.com/auth/drive.readonly",
            "https://www.googleapis.com/auth/drive.file",
            "https://www.googleapis.com/auth/drive.metadata.readonly",
        ],
        /// Read all your Google Drive files.
        drive_readonly = "https://www.googleapis.com/auth/drive.readonly" implies [
            "https://www.googleapis.com/auth/drive.metadata.readonly",
        ],
        /// Change the Drive files this app opened or created.
        drive_file = "https://www.googleapis.com/auth/drive.file",
        /// Read your Drive files' metadata.
        drive_metadata_readonly = "https://www.googleapis.com/auth/drive.metadata.readonly",
        /// Read and change your spreadsheets.
        spreadsheets = "https://www.googleapis.com/auth/spreadsheets" implies [
            "https://www.googleapis.com/auth/spreadsheets.readonly",
        ],
        /// Read your spreadsheets.
        spreadsheets_readonly = "https://www.googleapis.com/auth/spreadsheets.readonly",
        /// Read and change your documents.
        documents = "https://www.googleapis.com/auth/documents" implies [
            "https://www.googleapis.com/auth/documents.readonly",
        ],
        /// Read your documents.
        documents_readonly = "https://www.googleapis.com/auth/documents.readonly",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scopes::{Scope, ScopeSet};

    /// Every table is closed: a scope covers only defined scopes, never
    /// itself, and what it covers covers nothing it does not (coverage is
    /// not followed at run time, so it must be written out).
    #[test]
    fn each_table_is_closed_under_coverage() {
        let tables: [(&str, &[Scope]); 4] = [
            ("linear", LinearScope::ALL),
            ("github", GitHubScope::ALL),
            ("slack", SlackScope::ALL),
            ("google", GoogleScope::ALL),
        ];
        for (provider, table) in tables {
            let find = |name: &str| table.iter().find(|s| s.name() == name);
            let mut names: Vec<&str> = table.iter().map(Scope::name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), table.len(), "{provider}: a scope twice");
            for scope in table {
                for implied in scope.implies() {
                    let Some(other) = find(implied) else {
                        panic!("{provider}: {} covers undefined {implied}", scope.name());
                    };
                    assert_ne!(other.name(), scope.name(), "{provider}: covers itself");
                    for further in other.implies() {
                        assert!(
                            further == &scope.name() || scope.implies().contains(further),
                            "{provider}: {} covers {implied}, which covers {further}",
                            scope.name()
                        );
                    }
                }
            }
        }
    }
}
