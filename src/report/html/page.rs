//! The page: head, style, the sections in order, and the small pieces of HTML they share.

use std::fmt::Write;

use super::read::Bundle;
use super::sections;

/// The page's style: readable on a phone, printable on A4, no font fetched.
const STYLE: &str = "\
:root{color-scheme:light}\
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:#1d2125;background:#fff}\
main{max-width:60rem;margin:0 auto;padding:1rem}\
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #ddd}\
.meta{color:#555;margin:.2rem 0 1rem}\
figure{margin:.5rem 0}figure svg{width:100%;min-width:34rem;height:auto;display:block}\
figcaption,.reading{font-weight:600;margin:.3rem 0}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}\
th,td{padding:.2rem .5rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
tr.win td{background:#eef4fb}\
ol.winners li{margin:.2rem 0}\
.note{color:#555;font-size:.85rem}\
@media (max-width:40rem){main{padding:.5rem}body{font-size:14px}}\
@page{size:A4;margin:14mm}\
@media print{main{max-width:none;padding:0}h2{break-after:avoid}figure,tr{break-inside:avoid}thead{display:table-header-group}.scroll{overflow:visible}}";

/// The whole page.
pub(super) fn page(b: &Bundle) -> Result<String, String> {
    let mut html = String::with_capacity(64 * 1024);
    let title = escape(&b.summary.award);
    // A policy that lets nothing be fetched or run: a page that tried would show an error.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{title}: jury report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    );
    sections::header(&mut html, b);
    sections::winners(&mut html, b);
    sections::cut(&mut html, b);
    sections::ranking(&mut html, b)?;
    sections::ineligible(&mut html, b);
    sections::jurors(&mut html, b)?;
    sections::readers(&mut html, b);
    sections::criteria(&mut html, b)?;
    sections::reliability(&mut html, b)?;
    sections::warnings(&mut html, b);
    sections::audit(&mut html, b);
    html.push_str("</main>\n</body>\n</html>\n");
    Ok(html)
}

/// Text made safe inside HTML elements and attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with two decimals, or a dash.
pub(super) fn num(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |x| format!("{x:.2}"))
}

/// A table cell: text (escaped) or a number (right-aligned).
pub(super) enum Cell {
    Text(String),
    Num(String),
}

/// A table with a header row; `strong` rows are marked (the winners).
pub(super) fn table(html: &mut String, header: &[&str], rows: &[(bool, Vec<Cell>)]) {
    html.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for h in header {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for (strong, cells) in rows {
        html.push_str(if *strong {
            "<tr class=\"win\">"
        } else {
            "<tr>"
        });
        for c in cells {
            match c {
                Cell::Text(t) => {
                    let _ = write!(html, "<td>{}</td>", escape(t));
                }
                Cell::Num(t) => {
                    let _ = write!(html, "<td class=\"n\">{}</td>", escape(t));
                }
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody></table></div>\n");
}

/// A chart with its reading as caption, described for screen readers by the same words.
pub(super) fn figure(html: &mut String, svg: &str, reading: &str) {
    let reading = escape(reading);
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{reading}\" "),
        1,
    );
    let _ = write!(
        html,
        "<figure>\n<figcaption>{reading}</figcaption>\n<div class=\"scroll\">{svg}</div></figure>\n"
    );
}

/// A section's title.
pub(super) fn heading(html: &mut String, id: &str, title: &str) {
    let _ = writeln!(html, "<section id=\"{id}\">\n<h2>{}</h2>", escape(title));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_means_something_in_html_is_escaped() {
        assert_eq!(
            escape("<b>\"R&D\"</b> 'x'"),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#39;x&#39;"
        );
        assert_eq!(escape("Ђорђе — 4.5"), "Ђорђе — 4.5");
    }
}
