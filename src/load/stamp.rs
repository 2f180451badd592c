//! Timestamps of form responses, read to order re-submitted forms (`[input] duplicates =
//! "last"`): which of two rows scoring one (juror, proposal, criterion) was sent later.
//!
//! Read: ISO 8601 (`2016-05-12 10:22:31`, `2016-05-12T10:22:31Z`, `…+02:00`), year first
//! with slashes (`2016/05/12 10:22:31 AM GMT+3`, Google Forms), year last with slashes or
//! dashes (`5/12/2016 10:22:31`, `12/05/2016 10:22`: day-first or month-first, decided per
//! column) and with dots (`12.05.2016 10:22:31`, always day-first). A time is optional, with
//! or without seconds (and their fraction), with AM/PM, and with a zone (`Z`, `UTC`, `GMT`,
//! `GMT+3`, `+02:00`, `+0200`); without a zone the time is taken as written (every row of a
//! form export is in one zone).

use std::collections::HashMap;

use crate::award::{RowTimes, Stamp};

/// Which part of a `12/05/2016` date is the day: `[input] timestamp_format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DayOrder {
    /// `12/05/2016` is 12 May.
    DayFirst,
    /// `05/12/2016` is 12 May.
    MonthFirst,
}

/// A timestamp's readings, in milliseconds since 1970-01-01 (UTC where the text gives a
/// zone): read day-first and read month-first. Both are the same for a text whose order is
/// fixed (year first, dots); one is `None` where that order gives no date (`13/05/2016`
/// read month-first); both are `None` for a text that is no timestamp.
pub(crate) fn readings(text: &str) -> [Option<i64>; 2] {
    let text = text.trim();
    let (date, rest) = match text.find([' ', 'T']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    // `12.05.2016, 10:22:31`, as some locales write it.
    let date = date.strip_suffix(',').unwrap_or(date);
    let Some(time) = time_of(rest) else {
        return [None, None];
    };
    let mut parts = date.split(['-', '/', '.']);
    let sep = date.chars().find(|c| matches!(c, '-' | '/' | '.'));
    let numbers: Vec<&str> = parts.by_ref().take(3).collect();
    if numbers.len() != 3 || parts.next().is_some() || !same_separator(date) {
        return [None, None];
    }
    let n: Vec<Option<i64>> = numbers.iter().map(|p| number(p, 1, 4)).collect();
    let [Some(a), Some(b), Some(c)] = n[..] else {
        return [None, None];
    };
    let at = |y: i64, m: i64, d: i64| civil(y, m, d).map(|day| day * 86_400_000 + time);
    if numbers[0].len() == 4 {
        let t = at(a, b, c);
        return [t, t];
    }
    if numbers[2].len() != 4 {
        return [None, None];
    }
    if sep == Some('.') {
        let t = at(c, b, a);
        return [t, t];
    }
    [at(c, b, a), at(c, a, b)]
}

/// Whether every separator of the date is the same one.
fn same_separator(date: &str) -> bool {
    let mut seps = date.chars().filter(|c| matches!(c, '-' | '/' | '.'));
    let first = seps.next();
    seps.all(|c| Some(c) == first)
}

/// A number of `min..=max` ASCII digits.
fn number(text: &str, min: usize, max: usize) -> Option<i64> {
    let ok = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// The time of day (and zone) in milliseconds after midnight UTC (a zone east of UTC makes
/// it smaller); `Some(0)` for no time; `None` for text that is no time.
fn time_of(text: &str) -> Option<i64> {
    if text.is_empty() {
        return Some(0);
    }
    // The clock: digits, colons and a fraction, up to the first other character.
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(text.len());
    let (clock, mut rest) = (&text[..end], text[end..].trim());
    let (hms, fraction) = match clock.find(['.', ',']) {
        Some(i) => (&clock[..i], &clock[i + 1..]),
        None => (clock, ""),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut h = number(parts[0], 1, 2)?;
    let m = number(parts[1], 2, 2)?;
    let s = if parts.len() == 3 {
        number(parts[2], 2, 2)?
    } else {
        0
    };
    let ms = match fraction {
        "" => 0,
        f => number(f, 1, 9)? * 1000 / 10_i64.pow(f.len() as u32),
    };
    let upper = rest.to_ascii_uppercase();
    for (mark, shift) in [("AM", 0), ("PM", 12)] {
        if upper.starts_with(mark) {
            if !(1..=12).contains(&h) {
                return None;
            }
            h = h % 12 + shift;
            rest = rest[2..].trim();
        }
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let offset = zone(rest)?;
    Some(((h * 60 + m) * 60 + s - offset) * 1000 + ms)
}

/// A zone's offset east of UTC in seconds: `""`, `Z`, `UTC`, `GMT`, `GMT+3`, `UTC-05:30`,
/// `+02:00`, `+0200`; `None` for anything else.
fn zone(text: &str) -> Option<i64> {
    let upper = text.to_ascii_uppercase();
    let rest = ["GMT", "UTC", "Z"]
        .iter()
        .find_map(|z| upper.strip_prefix(z))
        .unwrap_or(&upper)
        .trim();
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (number(h, 1, 2)?, number(m, 2, 2)?),
        None if digits.len() == 4 => (number(&digits[..2], 2, 2)?, number(&digits[2..], 2, 2)?),
        None => (number(digits, 1, 2)?, 0),
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Days from 1970-01-01 to a calendar date (H. Hinnant's algorithm); `None` for a date the
/// calendar does not have (month 13, 31 April, 29 February 2017).
fn civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days[m as usize - 1] || !(1000..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The timestamps of a column, read: `order` from `[input] timestamp_format`, else from the
/// values (a value only day-first reads, `13/05/2016`, makes the column day-first; one only
/// month-first reads, month-first; with neither, or both, it stays undecided and each value
/// keeps both readings, for the replaced rows to be judged by).
pub(crate) fn read_column(
    column: String,
    rows: Vec<(u32, String)>,
    order: Option<DayOrder>,
) -> RowTimes {
    let read: Vec<(u32, String, [Option<i64>; 2])> = rows
        .into_iter()
        .map(|(line, text)| {
            let r = readings(&text);
            (line, text, r)
        })
        .collect();
    let day_only = read.iter().any(|r| r.2[0].is_some() && r.2[1].is_none());
    let month_only = read.iter().any(|r| r.2[1].is_some() && r.2[0].is_none());
    let order = order.or(match (day_only, month_only) {
        (true, false) => Some(DayOrder::DayFirst),
        (false, true) => Some(DayOrder::MonthFirst),
        _ => None,
    });
    let mut times = HashMap::with_capacity(read.len());
    for (line, text, [day, month]) in read {
        let readings = match order {
            Some(DayOrder::DayFirst) => [day, day],
            Some(DayOrder::MonthFirst) => [month, month],
            None => [day, month],
        };
        times.insert(line, Stamp { text, readings });
    }
    RowTimes {
        column,
        times,
        order: order.map(|o| match o {
            DayOrder::DayFirst => "day-first",
            DayOrder::MonthFirst => "month-first",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2016-05-12 00:00 UTC.
    const MAY_12: i64 = 16_933 * DAY;

    fn at(h: i64, m: i64, s: i64) -> i64 {
        MAY_12 + ((h * 60 + m) * 60 + s) * 1000
    }

    #[test]
    fn the_formats_of_form_exports_are_read() {
        let t = at(10, 22, 31);
        for text in [
            "2016-05-12 10:22:31",
            "2016-05-12T10:22:31",
            "2016-05-12T10:22:31Z",
            "2016-05-12T12:22:31+02:00",
            "2016/05/12 1:22:31 PM GMT+3",
            "12.05.2016 10:22:31",
            " 2016-05-12  10:22:31 UTC",
            "12.05.2016, 10:22:31",
        ] {
            assert_eq!(readings(text), [Some(t), Some(t)], "{text}");
        }
        // 12 May month-first, 5 December day-first (207 days on).
        let dec_5 = t + 207 * DAY;
        assert_eq!(readings("5/12/2016 10:22:31"), [Some(dec_5), Some(t)]);
        assert_eq!(readings("12/05/2016 10:22:31"), [Some(t), Some(dec_5)]);
        assert_eq!(
            readings("13/05/2016 10:22"),
            [Some(at(10, 22, 0) + DAY), None]
        );
        assert_eq!(readings("2016-05-12"), [Some(MAY_12), Some(MAY_12)]);
        assert_eq!(readings("2016/05/12 12:00:00 AM"), [Some(MAY_12); 2]);
        assert_eq!(readings("2016-05-12 10:22:31.5")[0], Some(t + 500));
        // Both readings: 5 June (day first) or 6 May (month first).
        let [d, m] = readings("05/06/2016");
        assert_eq!((d.unwrap() - MAY_12) / DAY, 24);
        assert_eq!((m.unwrap() - MAY_12) / DAY, -6);
    }

    #[test]
    fn anything_else_is_no_timestamp() {
        for text in [
            "",
            "yesterday",
            "2016-13-01",
            "2017-02-29",
            "31/04/2016",
            "12/05/16 10:22",
            "2016-05-12 25:00",
            "2016-05-12 10:22 XYZ",
            "2016-05/12",
            "2016-05-12 13:00 PM",
        ] {
            let r = readings(text);
            assert!(
                r[0].is_none() && (r[1].is_none() || text == "31/04/2016"),
                "{text}: {r:?}"
            );
        }
        assert_eq!(readings("31/04/2016")[1], None);
    }

    #[test]
    fn a_column_is_day_first_when_a_value_says_so() {
        let rows = |v: &[&str]| {
            (v.iter().enumerate())
                .map(|(i, t)| (i as u32 + 2, t.to_string()))
                .collect::<Vec<_>>()
        };
        let col = read_column("T".into(), rows(&["05/06/2016", "13/06/2016"]), None);
        assert_eq!(col.order, Some("day-first"));
        let s = &col.times[&2].readings;
        assert_eq!(s[0], s[1]);
        let col = read_column("T".into(), rows(&["05/06/2016", "06/13/2016"]), None);
        assert_eq!(col.order, Some("month-first"));
        let col = read_column("T".into(), rows(&["05/06/2016"]), None);
        assert_eq!(col.order, None);
        assert_ne!(col.times[&2].readings[0], col.times[&2].readings[1]);
        let set = Some(DayOrder::MonthFirst);
        let col = read_column("T".into(), rows(&["13/06/2016"]), set);
        assert_eq!(col.times[&2].readings, [None, None]);
    }
}
