//! Help text: the examples shown below each command's options, and possible values whose
//! descriptions are plain text (the library's doc comments hold rustdoc links and code spans,
//! which a terminal shows as brackets and backticks).

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::ValueEnum;

pub const JURY: &str = "\
Examples:
  jury validate fixtures/ineli-balkans-2016
  jury score fixtures/ineli-balkans-2016 -o report
  jury completions bash > ~/.local/share/bash-completion/completions/jury";

pub const SCORE: &str = "\
Examples:
  jury score fixtures/ineli-balkans-2016
  jury score fixtures/ineli-balkans-2016 -m additive -n 3 -o report
  jury score fixtures/ineli-balkans-2016 --bootstrap 2000 -s 7 -j 4 -f json";

pub const INIT: &str = "\
Examples:
  jury init my-award
  jury init my-grant --rubric horizon-europe-ria
  jury init my-award --rubric rubrics/ineli-balkans.toml && jury validate my-award";

pub const VALIDATE: &str = "\
Examples:
  jury validate fixtures/ineli-balkans-2016
  jury validate my-award && jury score my-award -o my-award-report
  jury validate my-award -f json > problems.json";

pub const COMPARE: &str = "\
Examples:
  jury compare fixtures/ineli-balkans-2016
  jury compare fixtures/ineli-balkans-2016 -f csv > methods.csv
  jury compare fixtures/ineli-balkans-2016 -f json";

pub const RELIABILITY: &str = "\
Examples:
  jury reliability fixtures/ineli-balkans-2016
  jury reliability fixtures/ineli-balkans-2016 -o reliability-report
  jury reliability fixtures/ineli-balkans-2016 -f json";

pub const REPORT: &str = "\
Examples:
  jury score fixtures/ineli-balkans-2016 --bootstrap 2000 -o report && open report/report.html
  jury report report";

pub const JURORS: &str = "\
Examples:
  jury jurors fixtures/ineli-balkans-2016
  jury jurors fixtures/ineli-balkans-2016 -m additive
  jury jurors fixtures/ineli-balkans-2016 -f json > jurors.json";

pub const RUBRIC: &str = "\
Examples:
  jury rubric rubrics/horizon-europe-ria.toml
  jury rubric rubrics/ineli-balkans.toml > briefing.txt";

pub const ASSIGN: &str = "\
Examples:
  jury assign my-award --reads 3 -o my-award/assignment.csv --sheets sheets-round-1
  jury assign my-award --extra 60 -o round-2.csv --sheets sheets-round-2
  jury assign my-award --reads 4 -s 7 -f json > plan.json

Conflicts (conflicts.csv, [conflicts] same) are never assigned; a capacity column in
jurors.csv and [assignment] max_load cap each juror's reads over every round; affinity.csv
(juror,proposal,affinity) is followed where the rules allow. A request that cannot be met
exits 2 and writes nothing. See docs/assignment.md.";

pub const SIMULATE: &str = "\
Examples:
  jury simulate -o sim --reads 3 --extra 60
  jury simulate -o sim
  jury simulate -o sim --proposals 200 --jurors 30 --reviews 3 -s 42
  jury simulate -o sim --leniency 1 --noise 0.3 && jury score sim";

pub const COMPLETIONS: &str = "\
Examples:
  jury completions bash > ~/.local/share/bash-completion/completions/jury
  jury completions zsh > ~/.zfunc/_jury
  jury completions fish > ~/.config/fish/completions/jury.fish";

pub const MAN: &str = "\
Examples:
  jury man > jury.1 && man ./jury.1
  jury man | gzip > /usr/local/share/man/man1/jury.1.gz";

/// A parser of `T`'s values whose descriptions are plain text (see [`plain_text`]).
pub fn plain<T>() -> impl TypedValueParser<Value = T>
where
    T: ValueEnum + Clone + Send + Sync + 'static,
{
    let values: Vec<PossibleValue> = T::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|v| match v.get_help().map(|h| plain_text(&h.to_string())) {
            Some(help) => v.help(help),
            None => v,
        })
        .collect();
    PossibleValuesParser::new(values).try_map(|s| T::from_str(&s, false))
}

/// Doc-comment text as a terminal shows it: rustdoc links dropped (with a `See` or a comma
/// that introduced them), code spans' backticks removed.
pub fn plain_text(doc: &str) -> String {
    let mut s = doc.to_string();
    while let Some(start) = s.find("[`") {
        let Some(len) = s[start..].find("`]") else {
            break;
        };
        let mut from = start;
        for lead in [", ", "See ", " "] {
            if s[..from].ends_with(lead) {
                from -= lead.len();
            }
        }
        s.replace_range(from..start + len + 2, "");
    }
    s.replace('`', "").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn rustdoc_links_and_code_spans_become_plain_text() {
        assert_eq!(
            plain_text("Fit of `a × b` (MacKay 2017). See [`crate::advanced::fit`]"),
            "Fit of a × b (MacKay 2017)."
        );
        assert_eq!(
            plain_text("pooled (empirical Bayes, [`crate::fit::pooled`]): a trait"),
            "pooled (empirical Bayes): a trait"
        );
        assert_eq!(plain_text("an unclosed [`link"), "an unclosed [link");
    }
}
