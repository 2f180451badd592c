//! The crate's layers (docs/architecture.md): a module of `src/` imports only from the modules
//! listed before it there, and names items through the module that defines them, never
//! through the crate root. Read from the source itself, so that it stays true.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules in the order docs/architecture.md lists them.
fn declared_order(root: &Path) -> Vec<String> {
    let doc = fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let layers = doc.split("## Every file").next().unwrap_or_default();
    layers
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(m, _)| m.to_string()))
        .collect()
}

/// The modules `src/lib.rs` declares, and the names it re-exports at the root.
fn lib_modules_and_names(root: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let lib = code_of(&fs::read_to_string(root.join("src/lib.rs")).unwrap());
    let mut modules = BTreeSet::new();
    let mut names = BTreeSet::new();
    for stmt in lib.split(';') {
        let mut stmt = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
        while stmt.starts_with('#') {
            let end = stmt.find(']').map_or(stmt.len(), |k| k + 1);
            stmt = stmt[end..].trim_start().to_string();
        }
        let stmt = stmt
            .trim_start_matches("pub ")
            .trim_start_matches("pub(crate) ");
        if let Some(m) = stmt.strip_prefix("mod ") {
            modules.insert(m.trim().to_string());
        } else if let Some(path) = stmt.strip_prefix("use ") {
            let items = match path.split_once('{') {
                Some((_, group)) => group.trim_end_matches('}').to_string(),
                None => path.rsplit("::").next().unwrap().to_string(),
            };
            for item in items.split(',') {
                let item = item.trim();
                let name = item.rsplit(" as ").next().unwrap().trim();
                if !name.is_empty() {
                    names.insert(name.to_string());
                }
            }
        }
    }
    (modules, names)
}

/// Source text without comments, string and character literals, and `#[cfg(test)]` items.
fn code_of(source: &str) -> String {
    let text = without_literals_and_comments(source);
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Skip the next item: up to its `;`, or to the brace that closes its block.
        let mut depth = 0i32;
        let mut opened = false;
        for next in lines.by_ref() {
            depth += next.matches('{').count() as i32 - next.matches('}').count() as i32;
            opened |= next.contains('{');
            if (opened && depth <= 0) || (!opened && next.trim_end().ends_with(';')) {
                break;
            }
        }
    }
    out
}

/// `source` with comments removed and the insides of string and character literals blanked.
fn without_literals_and_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                out.push(if chars[i] == '\n' { '\n' } else { ' ' });
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && raw_start(&chars, i) {
            i = skip_raw_string(&chars, i, &mut out);
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            out.push_str("' '");
            i += 1;
            if chars[i] == '\\' {
                i += 1;
            }
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether `r` at `i` starts a raw string (`r"`, `r#"`), not an identifier ending in r.
fn raw_start(chars: &[char], i: usize) -> bool {
    let after_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    !after_ident && chars.get(j) == Some(&'"')
}

fn skip_raw_string(chars: &[char], mut i: usize, out: &mut String) -> usize {
    i += 1;
    let mut hashes = 0;
    while chars[i] == '#' {
        hashes += 1;
        i += 1;
    }
    i += 1;
    loop {
        if i >= chars.len() {
            return i;
        }
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            out.push_str("\"\"");
            return i + 1 + hashes;
        }
        if chars[i] == '\n' {
            out.push('\n');
        }
        i += 1;
    }
}

/// Whether the quote at `i` opens a character literal (`'a'`, `'\n'`), not a lifetime.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file of `src/` (`src/fit/affine/joint.rs` → fit, affine, joint).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Files that are test code: declared by their parent as `#[cfg(test)] mod name;`.
fn test_files(src: &Path, files: &[PathBuf]) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for file in files {
        let text = fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            if pair[0] != "#[cfg(test)]" {
                continue;
            }
            let decl = pair[1]
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(name) = decl.strip_prefix("mod ").and_then(|d| d.strip_suffix(';')) {
                let mut path = module_path(src, file);
                path.push(name.trim().to_string());
                out.insert(path);
            }
        }
    }
    out
}

/// The paths that begin with `crate::` or `super::` in `code`, each split into its segments;
/// a `{…}` group gives one path per member.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = at.checked_sub(1).map(|k| bytes[k] as char);
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
                continue;
            }
            out.extend(expand(&code[at..]));
        }
    }
    out
}

/// The path at the start of `text`, expanded over a brace group.
fn expand(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            segments.push(rest[..end].to_string());
        }
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix("::") {
            rest = after.trim_start();
            if let Some(group) = rest.strip_prefix('{') {
                let close = matching_brace(group);
                return split_group(&group[..close])
                    .into_iter()
                    .flat_map(|member| {
                        expand(member.trim()).into_iter().map({
                            let segments = segments.clone();
                            move |tail| [segments.clone(), tail].concat()
                        })
                    })
                    .collect();
            }
        } else {
            return vec![segments];
        }
    }
}

fn matching_brace(group: &str) -> usize {
    let mut depth = 1;
    for (k, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    group.len()
}

/// The members of a `{…}` group, split at top-level commas.
fn split_group(group: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (k, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&group[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(&group[start..]);
    out.into_iter().filter(|m| !m.trim().is_empty()).collect()
}

/// Where a path from module `here` leads: `Some(first segment below the root)` when it goes
/// through the crate root, `None` when it stays inside `here`'s own top-level module.
fn through_root(here: &[String], path: &[String]) -> Option<String> {
    let mut at: Vec<String> = here.to_vec();
    let mut k = 0;
    if path.first().is_some_and(|s| s == "crate") {
        at.clear();
        k = 1;
    }
    while path.get(k).is_some_and(|s| s == "super" || s == "self") {
        if path[k] == "super" {
            at.pop();
        }
        k += 1;
    }
    if at.is_empty() {
        path.get(k).cloned()
    } else {
        None
    }
}

#[test]
fn no_module_imports_from_a_module_listed_after_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let order = declared_order(root);
    let (modules, root_names) = lib_modules_and_names(root);
    let listed: BTreeSet<String> = order.iter().cloned().collect();
    assert_eq!(
        listed, modules,
        "docs/architecture.md must list exactly the modules src/lib.rs declares"
    );
    let position = |m: &str| order.iter().position(|o| o == m);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let tests = test_files(&src, &files);
    let mut problems = Vec::new();
    for file in &files {
        let here = module_path(&src, file);
        let shown = file.strip_prefix(root).unwrap().display().to_string();
        let Some(top) = here.first().cloned() else {
            continue;
        };
        if top == "lib" || top == "main" || top == "cli" {
            continue;
        }
        if (1..=here.len()).any(|n| tests.contains(&here[..n])) {
            continue;
        }
        let code = code_of(&fs::read_to_string(file).unwrap());
        for path in paths_in(&code) {
            let Some(target) = through_root(&here, &path) else {
                continue;
            };
            if target == top {
                continue;
            }
            match (position(&top), position(&target)) {
                (Some(a), Some(b)) if b > a => problems.push(format!(
                    "{shown}: `{}` imports `{target}`, listed after `{top}`",
                    path.join("::")
                )),
                (_, None) if root_names.contains(&target) => problems.push(format!(
                    "{shown}: `{}` names an item through the crate root; import it from the module that defines it",
                    path.join("::")
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_imports_that_go_up_and_through_the_root() {
    let code = code_of(
        "use crate::award::{Award, index::Runs};\nuse super::super::rank::Ranking;\n\
         // use crate::report::number;\nlet s = \"crate::simulate\";\nlet _ = crate::Outcome::x;\n\
         #[cfg(test)]\nmod tests {\n    use crate::report::Report;\n}\n",
    );
    let paths = paths_in(&code);
    let here = ["normalize".to_string(), "zscore".to_string()];
    let targets: Vec<Option<String>> = paths.iter().map(|p| through_root(&here, p)).collect();
    assert_eq!(
        targets,
        vec![
            Some("award".to_string()),
            Some("award".to_string()),
            Some("Outcome".to_string()),
            Some("rank".to_string()),
        ]
    );
}

#[test]
fn every_file_of_src_is_listed_in_the_architecture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let doc = fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tests = test_files(&src, &files);
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let here = module_path(&src, f);
            !(1..=here.len()).any(|n| tests.contains(&here[..n]))
        })
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .filter(|f| !doc.contains(&format!("`{f}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md does not list: {}",
        missing.join(", ")
    );
}
