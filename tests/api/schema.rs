//! The committed SDL is the code's SDL.

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql is committed at the repository root");
    let generated = newswire::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is out of date; regenerate it with `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn every_type_field_argument_and_value_is_documented() {
    let sdl = newswire::graphql::sdl();
    let mut in_description = false;
    let mut documented = false;
    let mut in_schema_block = false;
    let mut checked = 0;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            let one_line = trimmed.len() > 6 && trimmed.ends_with("\"\"\"");
            if one_line || in_description {
                in_description = false;
                documented = true;
            } else {
                in_description = true;
            }
            continue;
        }
        if in_description {
            continue;
        }
        if line.starts_with("schema") {
            in_schema_block = true;
        } else if line.starts_with('}') {
            in_schema_block = false;
        }
        let named = trimmed.starts_with(|c: char| c.is_ascii_alphabetic());
        let declaration = ["type ", "enum ", "input ", "interface ", "scalar "]
            .iter()
            .any(|k| line.starts_with(k));
        let member = line.starts_with('\t') && named;
        if (declaration || member) && !in_schema_block {
            assert!(documented, "undocumented in the schema: {trimmed}");
            checked += 1;
        }
        documented = false;
    }
    assert!(checked > 100, "the check saw only {checked} declarations");
}
