//! The derive's own locals do not clash with field names: a credentials struct
//! may have fields called `errors`, `fields` and `lookup` (and raw names).

use gumstack::prelude::*;

#[derive(Credentials)]
struct Awkward {
    /// Shadowed `errors` once.
    errors: String,
    /// Shadowed `fields` once.
    fields: Option<String>,
    /// Shadowed the lookup closure once.
    lookup: Secret,
    /// A raw identifier.
    r#type: Option<u32>,
}

fn main() {
    let values = std::collections::BTreeMap::from([
        ("errors".to_owned(), "e".to_owned()),
        ("lookup".to_owned(), "l".to_owned()),
        ("type".to_owned(), "3".to_owned()),
    ]);
    let parsed = Awkward::from_map(&values).expect("parses");
    assert_eq!(parsed.errors, "e");
    assert_eq!(parsed.fields, None);
    assert_eq!(parsed.lookup.expose(), "l");
    assert_eq!(parsed.r#type, Some(3));
}
