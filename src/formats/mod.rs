//! Exports and imports: one file per format, behind one trait (as ruff's `message/` has one
//! emitter per output format).
//!
//! Each format module says in its own docs how Tagline's model maps onto the format, which
//! offset unit it uses (code points, UTF-16 code units or bytes, converted through
//! [`crate::core::TextIndex`]) and what the format cannot hold.
//!
//! May use: [`crate::core`] and pure crates (serde_json, …). Never: a face (the gui or
//! cli modules), a UI crate, or `std::fs` — formats write to the writers and read from the
//! readers and strings they are given; the faces open the files.
//!
//! # Exporting
//! [`Export`] drives one format over a stream of documents, one at a time (flat memory):
//! [`Export::begin`], then [`Export::article`] for each document, then [`Export::finish`],
//! which returns the [`Summary`] of what was written and what the format could not hold.
//! Formats write into a [`Sink`] that the face provides: a single-file format asks for the one
//! file [`MAIN`] (a [`WriterSink`] turns any writer into such a sink); a folder format asks for
//! files by relative name (`a/b.ann`) and closes each when done.
//!
//! Which annotations count (shared with every corpus command): orphaned annotations are never
//! exported, only counted; `suggested` ones are left out unless
//! [`ExportOptions::include_suggested`]; relations are exported only between exported spans.

pub mod brat;
pub mod brat_import;
pub mod conll;
pub mod csv;
pub mod inception;
pub mod jsonl;
pub mod jsonl_import;
pub mod label_studio;
pub mod label_studio_import;
pub mod spacy;
pub mod tokens;
pub mod w3c;

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::core::{Annotation, Document, ImportBatch, Relation, Status};

/// The name a single-file format writes to.
pub const MAIN: &str = "";

pub use crate::core::output::Sink;

/// A [`Sink`] over one writer, for single-file formats (every name means the same writer).
pub struct WriterSink<W: Write>(pub W);

impl<W: Write> Sink for WriterSink<W> {
    fn file(&mut self, _name: &str) -> io::Result<&mut dyn Write> {
        Ok(&mut self.0)
    }
    fn close(&mut self, _name: &str) -> io::Result<()> {
        self.0.flush()
    }
}

/// Whether a format writes one file or a folder of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One file ([`MAIN`]).
    File,
    /// A folder of named files.
    Folder,
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// [`jsonl`]: one JSON line per article (Hugging Face `datasets`).
    Jsonl,
    /// [`spacy`]: `jsonl` plus tokens, for a spaCy DocBin.
    Spacy,
    /// [`conll`]: CoNLL-2003 columns with IOB tags.
    Conll,
    /// [`csv`]: one row per annotation.
    Csv,
    /// [`brat`]: a brat standoff collection.
    Brat,
    /// [`label_studio`]: Label Studio tasks and labelling config.
    LabelStudio,
    /// [`inception`]: UIMA CAS JSON 0.4.0 files for INCEpTION.
    Inception,
    /// [`w3c`]: a W3C Web Annotation collection (JSON-LD).
    W3c,
}

impl Format {
    /// Every format, in the order the docs list them.
    pub const ALL: [Format; 8] = [
        Format::Jsonl,
        Format::Spacy,
        Format::Conll,
        Format::Csv,
        Format::Brat,
        Format::LabelStudio,
        Format::Inception,
        Format::W3c,
    ];

    /// The name on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Spacy => "spacy",
            Format::Conll => "conll",
            Format::Csv => "csv",
            Format::Brat => "brat",
            Format::LabelStudio => "label-studio",
            Format::Inception => "inception",
            Format::W3c => "w3c",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether it writes one file or a folder, with these options.
    pub fn layout(self, options: &ExportOptions) -> Layout {
        match self {
            Format::Brat | Format::Inception => Layout::Folder,
            Format::LabelStudio => Layout::Folder,
            Format::Conll if options.layers => Layout::Folder,
            _ => Layout::File,
        }
    }

    fn exporter(self, options: &ExportOptions) -> Box<dyn Exporter> {
        match self {
            Format::Jsonl => Box::new(jsonl::Jsonl),
            Format::Spacy => Box::new(spacy::Spacy),
            Format::Conll => Box::new(conll::Conll::new(options.iob1, options.layers)),
            Format::Csv => Box::new(csv::Csv::new(options.excel)),
            Format::Brat => Box::new(brat::Brat::default()),
            Format::LabelStudio => Box::new(label_studio::LabelStudio::default()),
            Format::Inception => Box::new(inception::Inception::default()),
            Format::W3c => Box::new(w3c::W3c::default()),
        }
    }
}

/// Choices that change what an export holds.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Export `suggested` annotations too (left out by default).
    pub include_suggested: bool,
    /// CoNLL: IOB1 tags (`B-` only between two adjacent spans of one tag) instead of IOB2.
    pub iob1: bool,
    /// CoNLL: one file per tag, so overlapping spans of different tags all survive.
    pub layers: bool,
    /// CSV: a BOM and CRLF line ends, for spreadsheets.
    pub excel: bool,
}

/// One thing an export could not hold, or did differently from the sidecar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    /// What happened, e.g. `"span not on token boundaries"`; the summary counts by this.
    pub what: &'static str,
    /// The annotation or relation id.
    pub id: String,
    /// The annotation's text (empty for relations).
    pub text: String,
}

/// What an export wrote and what it could not hold, with counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Articles written.
    pub articles: usize,
    /// Annotations written.
    pub spans: usize,
    /// Relations written.
    pub relations: usize,
    /// Annotations left out by the rules of which annotations count: orphaned ones, and
    /// suggested ones without `--include-suggested`; by reason.
    pub left_out: BTreeMap<&'static str, usize>,
    /// What the format could not hold, by kind: each count is of annotations, relations,
    /// attributes or notes lost.
    pub lost: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// `true` when something was lost or an orphaned annotation was skipped (exit code 1).
    pub fn has_losses(&self) -> bool {
        !self.lost.is_empty() || self.left_out.contains_key(ORPHANED)
    }

    /// Human lines: one for what was written, one per kind of loss.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} article(s), {} annotation(s), {} relation(s) written",
            self.articles, self.spans, self.relations
        )];
        for (what, n) in &self.left_out {
            out.push(format!("left out: {n} {what}"));
        }
        for (what, n) in &self.lost {
            out.push(format!("not held by the format: {n} × {what}"));
        }
        out
    }
}

/// Reason counted for orphaned annotations.
pub const ORPHANED: &str = "orphaned annotation(s) (never exported)";
/// Reason counted for suggested annotations left out.
pub const SUGGESTED: &str = "suggested annotation(s) (use --include-suggested)";

/// Losses of one article, collected by a format.
#[derive(Debug, Default)]
pub struct Losses {
    items: Vec<Loss>,
    counts: BTreeMap<&'static str, usize>,
}

impl Losses {
    /// One annotation or relation lost, reported with its id and text.
    pub fn item(&mut self, what: &'static str, id: &str, text: &str) {
        *self.counts.entry(what).or_default() += 1;
        self.items.push(Loss {
            what,
            id: id.to_owned(),
            text: text.to_owned(),
        });
    }

    /// `n` things lost that need no listing one by one (e.g. attributes a format has no
    /// place for).
    pub fn count(&mut self, what: &'static str, n: usize) {
        if n > 0 {
            *self.counts.entry(what).or_default() += n;
        }
    }
}

/// One article as a format sees it: its document, its relative path, and the annotations and
/// relations that count, sorted by (start, end, id) and by id.
pub struct ArticleIn<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The article's path relative to the argument it came from, with `/`.
    pub relative: &'a str,
    /// The annotations to export.
    pub spans: Vec<&'a Annotation>,
    /// The relations to export (both ends among `spans`).
    pub relations: Vec<&'a Relation>,
}

impl ArticleIn<'_> {
    /// The article's text.
    pub fn text(&self) -> &str {
        self.doc.article.text.as_str()
    }
}

/// One export format. Formats do no file I/O: they write into the [`Sink`].
pub trait Exporter {
    /// Called once before the first article.
    fn begin(&mut self, _sink: &mut dyn Sink) -> io::Result<()> {
        Ok(())
    }
    /// Writes one article, noting what it could not hold in `losses`.
    fn article(
        &mut self,
        article: &ArticleIn<'_>,
        sink: &mut dyn Sink,
        losses: &mut Losses,
    ) -> io::Result<()>;
    /// Called once after the last article; writes what only the whole corpus knows.
    fn finish(&mut self, sink: &mut dyn Sink, losses: &mut Losses) -> io::Result<()>;
}

/// The annotations and relations of `doc` that count under `options`, with the ones left out
/// counted into `left_out`.
pub fn select<'a>(
    doc: &'a Document,
    options: &ExportOptions,
    left_out: &mut BTreeMap<&'static str, usize>,
) -> (Vec<&'a Annotation>, Vec<&'a Relation>) {
    let mut spans = Vec::with_capacity(doc.annotations().len());
    for a in doc.annotations() {
        match a.status {
            Some(Status::Orphaned) => *left_out.entry(ORPHANED).or_default() += 1,
            Some(Status::Suggested) if !options.include_suggested => {
                *left_out.entry(SUGGESTED).or_default() += 1
            }
            _ => spans.push(a),
        }
    }
    let kept: std::collections::HashSet<&str> = spans.iter().map(|a| a.id.as_str()).collect();
    let relations = doc
        .relations()
        .iter()
        .filter(|r| kept.contains(r.from.as_str()) && kept.contains(r.to.as_str()))
        .collect();
    (spans, relations)
}

/// Reason counted for relations whose ends were left out.
pub const RELATION_LEFT_OUT: &str = "relation(s) touching a left-out annotation";

/// One export run: a format over a stream of documents.
pub struct Export {
    exporter: Box<dyn Exporter>,
    options: ExportOptions,
    summary: Summary,
}

impl Export {
    /// An export in `format` with `options`.
    pub fn new(format: Format, options: ExportOptions) -> Export {
        Export {
            exporter: format.exporter(&options),
            options,
            summary: Summary::default(),
        }
    }

    /// Starts the export (writes headers).
    pub fn begin(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        self.exporter.begin(sink)
    }

    /// Exports one document, named by its path relative to the argument it came from;
    /// returns the annotations it could not hold, for the face to report with the file name.
    pub fn article(
        &mut self,
        doc: &Document,
        relative: &str,
        sink: &mut dyn Sink,
    ) -> io::Result<Vec<Loss>> {
        let (spans, relations) = select(doc, &self.options, &mut self.summary.left_out);
        let dropped_relations = doc.relations().len() - relations.len();
        if dropped_relations > 0 {
            *self.summary.left_out.entry(RELATION_LEFT_OUT).or_default() += dropped_relations;
        }
        let article = ArticleIn {
            doc,
            relative,
            spans,
            relations,
        };
        let mut losses = Losses::default();
        self.exporter.article(&article, sink, &mut losses)?;
        self.summary.articles += 1;
        // Loss kinds are named by what was lost: "span …" and "relation …" are whole records.
        let lost = |prefix: &str| -> usize {
            losses
                .counts
                .iter()
                .filter(|(w, _)| w.starts_with(prefix))
                .map(|(_, n)| n)
                .sum()
        };
        self.summary.spans += article.spans.len().saturating_sub(lost("span"));
        self.summary.relations += article.relations.len().saturating_sub(lost("relation"));
        self.absorb(&mut losses);
        Ok(losses.items)
    }

    fn absorb(&mut self, losses: &mut Losses) {
        for (what, n) in std::mem::take(&mut losses.counts) {
            *self.summary.lost.entry(what).or_default() += n;
        }
    }

    /// Ends the export and returns its summary.
    pub fn finish(mut self, sink: &mut dyn Sink) -> io::Result<Summary> {
        let mut losses = Losses::default();
        self.exporter.finish(sink, &mut losses)?;
        self.absorb(&mut losses);
        Ok(self.summary)
    }
}

/// Exports every document of `docs` (a document, its relative path) in one go into `sink`;
/// `progress` is called after each article with its losses and may stop the export by
/// returning `false` (the window's Cancel). Returns `None` when stopped.
pub fn export_all(
    format: Format,
    options: ExportOptions,
    docs: impl IntoIterator<Item = (Document, String)>,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(&str, &[Loss]) -> bool,
) -> io::Result<Option<Summary>> {
    let mut export = Export::new(format, options);
    export.begin(sink)?;
    for (doc, relative) in docs {
        let losses = export.article(&doc, &relative, sink)?;
        if !progress(&relative, &losses) {
            return Ok(None);
        }
    }
    export.finish(sink).map(Some)
}

/// Writes `value` as one line of compact JSON.
pub(crate) fn json_line(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The annotation's attributes as a JSON object.
pub(crate) fn attributes_json(a: &Annotation) -> serde_json::Value {
    serde_json::Value::Object(
        a.attributes
            .iter()
            .map(|(k, v)| (k.clone(), attr_json(v)))
            .collect(),
    )
}

/// An attribute or label value as JSON.
pub(crate) fn attr_json(v: &crate::core::AttrValue) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// The document's labels as a JSON object.
pub(crate) fn labels_json(doc: &Document) -> serde_json::Value {
    serde_json::Value::Object(
        doc.labels()
            .iter()
            .map(|(k, v)| (k.clone(), attr_json(v)))
            .collect(),
    )
}

// ----- importing ---------------------------------------------------------------------------

/// The import formats (`tagline import --format NAME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportFormat {
    /// [`jsonl_import`]: our `jsonl` export, doccano's and Prodigy's JSON lines.
    Jsonl,
    /// [`label_studio_import`]: a Label Studio JSON export (annotations and predictions).
    LabelStudio,
    /// [`brat_import`]: brat standoff `.txt` + `.ann` pairs.
    Brat,
}

impl ImportFormat {
    /// Every import format, in the order the docs list them.
    pub const ALL: [ImportFormat; 3] = [
        ImportFormat::Jsonl,
        ImportFormat::LabelStudio,
        ImportFormat::Brat,
    ];

    /// The name on the command line (`--format NAME`), also recorded in `origin.format`.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Jsonl => "jsonl",
            ImportFormat::LabelStudio => "label-studio",
            ImportFormat::Brat => "brat",
        }
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<ImportFormat> {
        ImportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The file name endings this format reads when a folder is given.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ImportFormat::Jsonl => &["jsonl", "ndjson", "json"],
            ImportFormat::LabelStudio => &["json"],
            ImportFormat::Brat => &["ann", "txt"],
        }
    }

    /// Reads `inputs` in this format.
    pub fn read(self, inputs: &[Input<'_>]) -> Parsed {
        let importer: &dyn Importer = match self {
            ImportFormat::Jsonl => &jsonl_import::JsonlImport,
            ImportFormat::LabelStudio => &label_studio_import::LabelStudioImport,
            ImportFormat::Brat => &brat_import::BratImport,
        };
        importer.read(inputs)
    }
}

/// One input file, read by the face.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The file as the person named it (reports and `origin.input` use it).
    pub name: &'a str,
    /// Its path relative to the argument it came from, with `/` (article names come from it).
    pub relative: &'a str,
    /// Its text, decoded, line endings as in the file.
    pub text: &'a str,
}

/// One article's worth of imported data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The input it came from ([`Input::name`]).
    pub input: String,
    /// The line of the input where it starts (1-based).
    pub line: usize,
    /// The article's name to write or find in the target folder, relative, with `/`.
    pub file: String,
    /// The article's full text; the batch's offsets index it in chars.
    pub text: String,
    /// What to add to the article.
    pub batch: ImportBatch,
    /// The input line of each of `batch.spans`.
    pub span_lines: Vec<usize>,
    /// The input line of each of `batch.relations`.
    pub relation_lines: Vec<usize>,
}

/// Something in an input that could not be imported as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The input ([`Input::name`]).
    pub input: String,
    /// The line (1-based; 0 for the file as a whole).
    pub line: usize,
    /// What is wrong, for people.
    pub message: String,
}

/// What an importer read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// The records read, in input order.
    pub records: Vec<Record>,
    /// What could not be read, in input order.
    pub problems: Vec<Problem>,
}

impl Parsed {
    pub(crate) fn problem(&mut self, input: &str, line: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            input: input.to_owned(),
            line,
            message: message.into(),
        });
    }
}

/// One import format. Importers do no file I/O: they read the inputs they are given.
pub trait Importer {
    /// Reads `inputs` into records and problems.
    fn read(&self, inputs: &[Input<'_>]) -> Parsed;
}

/// The `origin` of an imported annotation: kind `import`, the format, input and record.
pub(crate) fn import_origin(
    format: ImportFormat,
    input: &str,
    record: String,
) -> crate::core::Origin {
    let mut o = crate::core::Origin::new(crate::core::OriginKind::Import);
    o.format = Some(format.name().to_owned());
    o.input = Some(input.to_owned());
    o.record = Some(record);
    o
}

/// A JSON value as an attribute or label value (strings, numbers, flags, lists of strings).
pub(crate) fn attr_from_json(v: &serde_json::Value) -> Option<crate::core::AttrValue> {
    use crate::core::AttrValue;
    match v {
        serde_json::Value::Bool(b) => Some(AttrValue::Bool(*b)),
        serde_json::Value::Number(n) => Some(AttrValue::Number(n.clone())),
        serde_json::Value::String(s) => Some(AttrValue::Text(s.clone())),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(AttrValue::List),
        _ => None,
    }
}

/// A timestamp as the sidecar keeps it (RFC 3339 UTC, whole seconds), from an export's
/// `2021-08-23T12:19:18.905800Z`; `None` for anything else (the import's clock is used).
pub(crate) fn whole_seconds(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    let rest = s.get(19..)?;
    let rest = rest
        .strip_prefix('.')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .unwrap_or(rest);
    (shape && matches!(rest, "Z" | "" | "+00:00")).then(|| format!("{}T{}Z", &s[..10], &s[11..19]))
}

/// What the person asked of an import, applied to each record's batch once its article's
/// scheme is known ([`ImportOptions::prepare`]); shared by the command line and the window.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The input's label → the scheme's tag or relation type (`--map SRC=TAG`).
    pub map: std::collections::HashMap<String, String>,
    /// Import everything as suggestions (`status: suggested`).
    pub as_suggestions: bool,
    /// The model that made the annotations, recorded in `origin.model`.
    pub model: Option<String>,
}

impl ImportOptions {
    /// Applies the options to `batch` for an article following `scheme`: tags and relation
    /// types renamed, statuses and models set, and values of flag attributes and labels read
    /// from the text inputs hold them as (`"true"`).
    pub fn prepare(&self, batch: &mut ImportBatch, scheme: &crate::core::Scheme) {
        use crate::core::{AttrKind, AttrValue, Status};
        for s in &mut batch.spans {
            if let Some(to) = self.map.get(&s.tag) {
                s.tag = to.clone();
            }
            for (name, value) in s.attributes.iter_mut() {
                let flag = scheme
                    .tag(&s.tag)
                    .and_then(|t| t.attribute(name))
                    .is_some_and(|d| d.kind == AttrKind::Bool);
                if let (true, AttrValue::Text(raw)) = (flag, &*value) {
                    *value = scheme.parse_attr_value(&s.tag, name, raw);
                }
            }
            if self.as_suggestions {
                s.status = Some(Status::Suggested);
            }
            if let (Some(model), Some(origin)) = (&self.model, &mut s.origin) {
                origin.model = Some(model.clone());
            }
        }
        for r in &mut batch.relations {
            if let Some(to) = self.map.get(&r.kind) {
                r.kind = to.clone();
            }
        }
        for (name, value) in batch.labels.iter_mut() {
            if let AttrValue::Text(raw) = &*value {
                *value = scheme.parse_label_value(name, raw);
            }
        }
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            whole_seconds("2021-08-23T12:19:18.905800Z").as_deref(),
            Some("2021-08-23T12:19:18Z")
        );
        assert_eq!(
            whole_seconds("2021-08-23T12:19:18Z").as_deref(),
            Some("2021-08-23T12:19:18Z")
        );
        assert_eq!(whole_seconds("2021-08-23T12:19:18+02:00"), None);
        assert_eq!(whole_seconds("yesterday"), None);
    }
}
