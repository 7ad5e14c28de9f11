//! Resource URIs and URI templates (RFC 6570 level 1: `{name}` placeholders),
//! checked at compile time so a bad template never reaches a client.

#[derive(Debug, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Placeholder(String),
}

/// Split `uri` into literal text and placeholders, or say what is wrong.
pub fn parse(uri: &str) -> Result<Vec<Part>, String> {
    let scheme_end = uri.find(':').filter(|&end| {
        let scheme = &uri[..end];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if scheme_end.is_none() {
        return Err(format!(
            "`{uri}` is not a URI: it needs a scheme, as in `test://static-text` or `file:///notes.txt`"
        ));
    }
    if let Some(c) = uri.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{uri}` is not a URI: it contains {c:?}; percent-encode it"
        ));
    }
    let mut parts = Vec::new();
    let mut rest = uri;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Part::Literal(rest.to_owned()));
                break;
            }
            Some(at) if rest[at..].starts_with('}') => {
                return Err(format!(
                    "`}}` without `{{` in `{uri}`: placeholders are written `{{name}}`"
                ));
            }
            Some(at) => {
                if at > 0 {
                    parts.push(Part::Literal(rest[..at].to_owned()));
                }
                let after = &rest[at + 1..];
                let Some(close) = after.find('}') else {
                    return Err(format!(
                        "unclosed `{{` in `{uri}`: placeholders are written `{{name}}`"
                    ));
                };
                let name = &after[..close];
                check_placeholder(uri, name)?;
                if matches!(parts.last(), Some(Part::Placeholder(_))) {
                    return Err(format!(
                        "placeholders in `{uri}` must be separated by literal text (`{{a}}/{{b}}`, not `{{a}}{{b}}`), or a URI cannot be split between them"
                    ));
                }
                if parts.contains(&Part::Placeholder(name.to_owned())) {
                    return Err(format!("placeholder `{{{name}}}` appears twice in `{uri}`"));
                }
                parts.push(Part::Placeholder(name.to_owned()));
                rest = &after[close + 1..];
            }
        }
    }
    Ok(parts)
}

fn check_placeholder(uri: &str, name: &str) -> Result<(), String> {
    if let Some(op) = name.chars().next().filter(|c| "+#./;?&=,!@|".contains(*c)) {
        return Err(format!(
            "`{{{name}}}` in `{uri}`: only simple `{{name}}` placeholders are supported (RFC 6570 level 1), not the `{op}` operator"
        ));
    }
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(format!(
            "`{{{name}}}` in `{uri}` is not a placeholder name: use letters, digits and `_`, as a parameter name"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_parts() {
        assert_eq!(
            parse("test://template/{id}/data").unwrap(),
            vec![
                Part::Literal("test://template/".into()),
                Part::Placeholder("id".into()),
                Part::Literal("/data".into()),
            ]
        );
        assert_eq!(
            parse("test://static-text").unwrap(),
            vec![Part::Literal("test://static-text".into())]
        );
    }

    #[test]
    fn bad_uris_are_explained() {
        for (uri, expected) in [
            ("static-text", "needs a scheme"),
            ("test://{id", "unclosed"),
            ("test://id}", "without"),
            ("test://{+path}", "operator"),
            ("test://{a}{b}", "separated"),
            ("test://{a}/{a}", "twice"),
            ("test://{a-b}", "not a placeholder name"),
            ("test://a b", "percent-encode"),
        ] {
            let error = parse(uri).unwrap_err();
            assert!(error.contains(expected), "{uri}: {error}");
        }
    }
}
