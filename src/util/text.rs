//! Text compared as people read it: letter case ignored in any script.

/// Whether two texts are the same ignoring letter case, in any script (`Énergie` is
/// `énergie`, `Иновативност` is `иновативност`): how criterion ids and attribute values
/// compare.
pub fn same_ignoring_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        fold(a).eq(fold(b))
    }
}

/// A text's characters in lower case, Greek's final sigma `ς` as the `σ` that `Σ` lowers to
/// inside a word.
pub fn fold(t: &str) -> impl Iterator<Item = char> + '_ {
    (t.chars().flat_map(char::to_lowercase)).map(|c| if c == 'ς' { 'σ' } else { c })
}
