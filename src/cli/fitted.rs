//! A table fitted to the terminal's width: no cell wraps, so a number is never split across
//! lines; columns that do not fit are left out from the right, and the caller names them.
//! Piped output is not fitted: it keeps the whole table.

use std::io::IsTerminal;

use comfy_table::{ColumnConstraint, ContentArrangement, Table};

/// The width to fit: `JURY_COLUMNS` when set to a number (for a script or a test), else the
/// terminal's when stdout is one; `None` when stdout is piped (the whole table is printed).
pub fn width() -> Option<usize> {
    if let Some(w) = std::env::var("JURY_COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        return Some(w);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    Table::new().width().map(usize::from)
}

/// Keeps every cell on one line and hides the columns `droppable` (indices, in the order
/// tried) until each line of `t` is at most `width` characters, or none is left to hide.
/// Returns the hidden columns' headers.
pub fn fit(t: &mut Table, width: usize, droppable: &[usize]) -> Vec<String> {
    t.set_content_arrangement(ContentArrangement::Disabled);
    let headers: Vec<String> = t
        .header()
        .map(|h| h.cell_iter().map(|c| c.content()).collect())
        .unwrap_or_default();
    let mut hidden = Vec::new();
    for &c in droppable {
        if widest(t) <= width {
            break;
        }
        if let Some(column) = t.column_mut(c) {
            column.set_constraint(ColumnConstraint::Hidden);
            hidden.push(headers.get(c).cloned().unwrap_or_default());
        }
    }
    hidden
}

/// The longest line of the table as printed, in characters.
fn widest(t: &Table) -> usize {
    t.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// `text` cut to at most `max` characters, the cut marked with `…`.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_hidden_from_the_list_until_the_table_fits() {
        let mut t = Table::new();
        t.set_header(["a", "bbbbbbbbbb", "cccccccccc"]);
        t.add_row(["1", "2", "3"]);
        // Full: "│ a ┆ bbbbbbbbbb ┆ cccccccccc │" is 31 characters with the default preset.
        let full = widest(&t);
        let hidden = fit(&mut t, full - 1, &[2, 1]);
        assert_eq!(hidden, vec!["cccccccccc"]);
        assert!(widest(&t) < full);
        assert_eq!(fit(&mut Table::new(), 80, &[0]), Vec::<String>::new());
    }

    #[test]
    fn a_clipped_text_keeps_its_start_and_says_it_was_cut() {
        assert_eq!(clip("Book-bike: a mobile library", 10), "Book-bike…");
        assert_eq!(clip("short", 10), "short");
    }
}
