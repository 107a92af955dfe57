//! Every user command with its menu text, tooltip and shortcuts in one table, so menus,
//! toolbar tooltips, shortcuts and the help window (F1) never disagree. The key table is the one
//! of `shared/CONVENTIONS.md`; tag keys come from the scheme and are checked against it.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A command a person can give from a menu, a button or the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    /// File → Open article…
    OpenArticle,
    /// File → Open folder…
    OpenFolder,
    /// File → Open path…
    OpenPath,
    /// File → Import…: annotations from another tool into the open folder.
    Import,
    /// Save now.
    Save,
    /// Save the annotations to another file.
    SaveCopy,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Find in article.
    Find,
    /// Next article in the folder.
    NextArticle,
    /// Previous article in the folder.
    PrevArticle,
    /// Larger text.
    ZoomIn,
    /// Smaller text.
    ZoomOut,
    /// Default text size.
    ZoomReset,
    /// Toggle word snapping.
    ToggleSnap,
    /// Toggle dark/light.
    ToggleTheme,
    /// Show or hide the folder list.
    ToggleLeftPanel,
    /// Show or hide the annotation panel.
    ToggleRightPanel,
    /// Select the next annotation (within the list's filter).
    NextAnnotation,
    /// Select the previous annotation (within the list's filter).
    PrevAnnotation,
    /// Cancel a link, else close Find, else clear the selection.
    Escape,
    /// Set the selected annotation's span to the text selection.
    SetToSelection,
    /// Move the selected annotation's start one word left.
    StartWordLeft,
    /// Move the selected annotation's start one word right.
    StartWordRight,
    /// Move the selected annotation's end one word left.
    EndWordLeft,
    /// Move the selected annotation's end one word right.
    EndWordRight,
    /// Move the selected annotation's end one character left.
    EndCharLeft,
    /// Move the selected annotation's end one character right.
    EndCharRight,
    /// Move the selected annotation's start one character left.
    StartCharLeft,
    /// Move the selected annotation's start one character right.
    StartCharRight,
    /// Select the next quotation after the caret, quote marks excluded.
    NextQuotation,
    /// Start a link from the selected annotation, the nearest candidate proposed.
    StartLink,
    /// Focus the selected annotation's first attribute.
    FocusAttribute,
    /// While linking: propose the previous candidate.
    LinkPrev,
    /// While linking: propose the next candidate.
    LinkNext,
    /// While linking: link to the proposed candidate.
    LinkChoose,
    /// View → Statistics: charts of the open folder.
    ShowStatistics,
    /// View → Story: the same quotes and claims across the folder's outlets.
    ShowStory,
    /// View → Practice with key…: set the teacher's key folder.
    PracticeWithKey,
    /// Check my work against the key (practice mode).
    CheckWork,
    /// Delete the selected annotation.
    DeleteAnnotation,
    /// View → Compare with…: other annotators' work on this article, and adjudication.
    CompareWith,
    /// Accept the selected suggestion, then select the next one (in a comparison: the
    /// selected candidate, into the gold sidecar).
    Accept,
    /// Reject (delete) the selected suggestion, then select the next one (in a comparison:
    /// reject the selected candidate).
    Reject,
    /// Accept every suggestion of the article (in a comparison: every candidate all
    /// annotators agree on).
    AcceptAll,
    /// Show only suggestions in the annotation list (J / K then step through them).
    ToggleSuggestionsOnly,
    /// Keyboard help.
    Help,
    /// Quit.
    Quit,
}

/// Where a command's shortcuts act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere in the window, even while a text field has focus.
    Anywhere,
    /// Only when no text field has keyboard focus (the article view may).
    FreeKeyboard,
    /// Only while a link is being made (and no text field has focus); these come first.
    Linking,
}

/// What a key press does: a command, or tagging with the scheme tag of that key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// A command of the table.
    Command(UiCommand),
    /// Tag the selection (or retag the selected annotation) with this tag id.
    Tag(String),
}

const NONE: Modifiers = Modifiers::NONE;
const CMD: Modifiers = Modifiers::COMMAND;
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const fn or(a: Modifiers, b: Modifiers) -> Modifiers {
    Modifiers {
        alt: a.alt || b.alt,
        ctrl: a.ctrl || b.ctrl,
        shift: a.shift || b.shift,
        mac_cmd: a.mac_cmd || b.mac_cmd,
        command: a.command || b.command,
    }
}

impl UiCommand {
    /// All commands, in help order.
    pub const ALL: [UiCommand; 48] = [
        UiCommand::OpenArticle,
        UiCommand::OpenFolder,
        UiCommand::OpenPath,
        UiCommand::Import,
        UiCommand::Save,
        UiCommand::SaveCopy,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::Find,
        UiCommand::NextArticle,
        UiCommand::PrevArticle,
        UiCommand::ZoomIn,
        UiCommand::ZoomOut,
        UiCommand::ZoomReset,
        UiCommand::ToggleSnap,
        UiCommand::ToggleTheme,
        UiCommand::ToggleLeftPanel,
        UiCommand::ToggleRightPanel,
        UiCommand::NextAnnotation,
        UiCommand::PrevAnnotation,
        UiCommand::Escape,
        UiCommand::SetToSelection,
        UiCommand::StartWordLeft,
        UiCommand::StartWordRight,
        UiCommand::EndWordLeft,
        UiCommand::EndWordRight,
        UiCommand::EndCharLeft,
        UiCommand::EndCharRight,
        UiCommand::StartCharLeft,
        UiCommand::StartCharRight,
        UiCommand::NextQuotation,
        UiCommand::StartLink,
        UiCommand::LinkPrev,
        UiCommand::LinkNext,
        UiCommand::LinkChoose,
        UiCommand::FocusAttribute,
        UiCommand::ShowStatistics,
        UiCommand::ShowStory,
        UiCommand::PracticeWithKey,
        UiCommand::CheckWork,
        UiCommand::DeleteAnnotation,
        UiCommand::CompareWith,
        UiCommand::Accept,
        UiCommand::Reject,
        UiCommand::AcceptAll,
        UiCommand::ToggleSuggestionsOnly,
        UiCommand::Help,
        UiCommand::Quit,
    ];

    /// Menu text.
    pub fn text(self) -> &'static str {
        match self {
            UiCommand::OpenArticle => "Open article…",
            UiCommand::OpenFolder => "Open folder…",
            UiCommand::OpenPath => "Open path…",
            UiCommand::Import => "Import…",
            UiCommand::Save => "Save",
            UiCommand::SaveCopy => "Save annotations as…",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::Find => "Find…",
            UiCommand::NextArticle => "Next article",
            UiCommand::PrevArticle => "Previous article",
            UiCommand::ZoomIn => "Larger text",
            UiCommand::ZoomOut => "Smaller text",
            UiCommand::ZoomReset => "Default text size",
            UiCommand::ToggleSnap => "Snap selection to words",
            UiCommand::ToggleTheme => "Dark / light theme",
            UiCommand::ToggleLeftPanel => "Show / hide the folder list",
            UiCommand::ToggleRightPanel => "Show / hide the annotation panel",
            UiCommand::NextAnnotation => "Next annotation",
            UiCommand::PrevAnnotation => "Previous annotation",
            UiCommand::Escape => "Cancel / close / clear",
            UiCommand::SetToSelection => "Set span to selection",
            UiCommand::StartWordLeft => "Start one word left",
            UiCommand::StartWordRight => "Start one word right",
            UiCommand::EndWordLeft => "End one word left",
            UiCommand::EndWordRight => "End one word right",
            UiCommand::EndCharLeft => "End one character left",
            UiCommand::EndCharRight => "End one character right",
            UiCommand::StartCharLeft => "Start one character left",
            UiCommand::StartCharRight => "Start one character right",
            UiCommand::NextQuotation => "Select the next quotation",
            UiCommand::StartLink => "Link the selected annotation…",
            UiCommand::LinkPrev => "Linking: previous candidate",
            UiCommand::LinkNext => "Linking: next candidate",
            UiCommand::LinkChoose => "Linking: link to the candidate",
            UiCommand::FocusAttribute => "Edit the first attribute",
            UiCommand::ShowStatistics => "Statistics…",
            UiCommand::ShowStory => "Story…",
            UiCommand::PracticeWithKey => "Practice with key…",
            UiCommand::CheckWork => "Check my work",
            UiCommand::DeleteAnnotation => "Delete annotation",
            UiCommand::CompareWith => "Compare with…",
            UiCommand::Accept => "Accept suggestion",
            UiCommand::Reject => "Reject suggestion",
            UiCommand::AcceptAll => "Accept all suggestions",
            UiCommand::ToggleSuggestionsOnly => "List suggestions only",
            UiCommand::Help => "Keyboard shortcuts",
            UiCommand::Quit => "Quit",
        }
    }

    /// Tooltip.
    pub fn tooltip(self) -> &'static str {
        match self {
            UiCommand::OpenArticle => "Open a .txt or .md article with the system file dialog",
            UiCommand::OpenFolder => "Open a folder and list its articles",
            UiCommand::OpenPath => "Type or paste the path of an article or folder",
            UiCommand::Import => {
                "Bring annotations in from jsonl (ours, doccano, Prodigy), a Label Studio export \
                 or brat files, into the open folder (undoable on the open article)"
            }
            UiCommand::Save => "Save the annotations now (Tagline also saves automatically)",
            UiCommand::SaveCopy => "Write the annotations to a file of your choice",
            UiCommand::Undo => "Undo the last change",
            UiCommand::Redo => "Redo the change you undid",
            UiCommand::Find => "Search the article; Enter / Shift+Enter step through matches",
            UiCommand::NextArticle => "Open the next article of the folder",
            UiCommand::PrevArticle => "Open the previous article of the folder",
            UiCommand::ZoomIn => "Make the article text larger",
            UiCommand::ZoomOut => "Make the article text smaller",
            UiCommand::ZoomReset => "Reset the article text size",
            UiCommand::ToggleSnap => {
                "When on, mouse selections grow to whole words; off selects exact characters"
            }
            UiCommand::ToggleTheme => "Switch between the dark and the light theme",
            UiCommand::ToggleLeftPanel => "Give the article the room of the folder list",
            UiCommand::ToggleRightPanel => "Give the article the room of the annotation panel",
            UiCommand::NextAnnotation => "Select the next annotation of the list, in reading order",
            UiCommand::PrevAnnotation => "Select the previous annotation of the list",
            UiCommand::Escape => {
                "Cancel a link being made, else close Find, else clear the selection"
            }
            UiCommand::SetToSelection => {
                "Move the selected annotation onto the selected text (re-attach an orphan)"
            }
            UiCommand::StartWordLeft => "Grow the selected annotation by a word at its start",
            UiCommand::StartWordRight => "Shrink the selected annotation by a word at its start",
            UiCommand::EndWordLeft => "Shrink the selected annotation by a word at its end",
            UiCommand::EndWordRight => "Grow the selected annotation by a word at its end",
            UiCommand::EndCharLeft => "Shrink the selected annotation by a character at its end",
            UiCommand::EndCharRight => "Grow the selected annotation by a character at its end",
            UiCommand::StartCharLeft => "Grow the selected annotation by a character at its start",
            UiCommand::StartCharRight => {
                "Shrink the selected annotation by a character at its start"
            }
            UiCommand::NextQuotation => {
                "Select the text of the next quotation after the caret, without its quote marks"
            }
            UiCommand::StartLink => {
                "Start a relation (attributed to…) from the selected annotation; the nearest \
                 possible target is proposed, ← / → propose others, Enter links"
            }
            UiCommand::LinkPrev => "Propose the previous possible target",
            UiCommand::LinkNext => "Propose the next possible target",
            UiCommand::LinkChoose => "Link to the proposed target",
            UiCommand::FocusAttribute => {
                "Move the keyboard to the selected annotation's first attribute"
            }
            UiCommand::ShowStory => {
                "The folder's quotes and claims grouped with their variants in the other \
                 outlets, the differing words marked; click one to open it"
            }
            UiCommand::ShowStatistics => {
                "Charts of the open folder: progress, tags, attribute values, annotators, span lengths"
            }
            UiCommand::PracticeWithKey => {
                "Choose your teacher's key folder; the key stays hidden until you check (F8)"
            }
            UiCommand::CheckWork => {
                "Compare this article with the key: found, missed, extra, with the key's explanations"
            }
            UiCommand::DeleteAnnotation => "Delete the selected annotation",
            UiCommand::CompareWith => {
                "Every annotator's spans on this article in one view (other annotators' folders, \
                 or the annotators of this sidecar), and a gold sidecar decided key by key"
            }
            UiCommand::Accept => {
                "Keep the selected suggestion as an ordinary annotation (its origin is kept) and \
                 go to the next suggestion"
            }
            UiCommand::Reject => "Delete the selected suggestion and go to the next one",
            UiCommand::AcceptAll => "Keep every suggestion of this article, in one undoable step",
            UiCommand::ToggleSuggestionsOnly => {
                "List only suggestions waiting for a decision; J / K step through them"
            }
            UiCommand::Help => "Show all keyboard shortcuts",
            UiCommand::Quit => "Save and close Tagline",
        }
    }

    /// Keyboard shortcuts, the primary one first.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        match self {
            UiCommand::OpenArticle => const { &[sc(CMD, Key::O)] },
            UiCommand::OpenFolder => const { &[sc(or(CMD, SHIFT), Key::O)] },
            UiCommand::OpenPath => const { &[sc(CMD, Key::L)] },
            UiCommand::Save => const { &[sc(CMD, Key::S)] },
            UiCommand::SaveCopy => const { &[sc(or(CMD, SHIFT), Key::S)] },
            UiCommand::Undo => const { &[sc(CMD, Key::Z)] },
            UiCommand::Redo => const { &[sc(or(CMD, SHIFT), Key::Z), sc(CMD, Key::Y)] },
            UiCommand::Find => const { &[sc(CMD, Key::F)] },
            UiCommand::NextArticle => const { &[sc(CMD, Key::PageDown)] },
            UiCommand::PrevArticle => const { &[sc(CMD, Key::PageUp)] },
            // Ctrl+= is where most keyboards have "+".
            UiCommand::ZoomIn => const { &[sc(CMD, Key::Plus), sc(CMD, Key::Equals)] },
            UiCommand::ZoomOut => const { &[sc(CMD, Key::Minus)] },
            UiCommand::ZoomReset => const { &[sc(CMD, Key::Num0)] },
            UiCommand::ToggleSnap => const { &[sc(CMD, Key::W)] },
            UiCommand::ToggleTheme => const { &[sc(or(CMD, SHIFT), Key::D)] },
            UiCommand::ToggleLeftPanel => const { &[sc(CMD, Key::B)] },
            UiCommand::ToggleRightPanel => const { &[sc(or(CMD, ALT), Key::B)] },
            UiCommand::NextAnnotation => const { &[sc(NONE, Key::J)] },
            UiCommand::PrevAnnotation => const { &[sc(NONE, Key::K)] },
            UiCommand::Escape => const { &[sc(NONE, Key::Escape)] },
            UiCommand::SetToSelection => const { &[sc(NONE, Key::R)] },
            UiCommand::StartWordLeft => const { &[sc(NONE, Key::OpenBracket)] },
            UiCommand::StartWordRight => const { &[sc(NONE, Key::CloseBracket)] },
            // Shift+[ arrives as `{` on most layouts, as Shift+[ on some.
            UiCommand::EndWordLeft => {
                const { &[sc(SHIFT, Key::OpenBracket), sc(NONE, Key::OpenCurlyBracket)] }
            }
            UiCommand::EndWordRight => {
                const {
                    &[
                        sc(SHIFT, Key::CloseBracket),
                        sc(NONE, Key::CloseCurlyBracket),
                    ]
                }
            }
            UiCommand::EndCharLeft => const { &[sc(ALT, Key::ArrowLeft)] },
            UiCommand::EndCharRight => const { &[sc(ALT, Key::ArrowRight)] },
            UiCommand::StartCharLeft => const { &[sc(or(ALT, SHIFT), Key::ArrowLeft)] },
            UiCommand::StartCharRight => const { &[sc(or(ALT, SHIFT), Key::ArrowRight)] },
            UiCommand::NextQuotation => const { &[sc(NONE, Key::Q)] },
            UiCommand::StartLink => const { &[sc(NONE, Key::L)] },
            UiCommand::LinkPrev => const { &[sc(NONE, Key::ArrowLeft)] },
            UiCommand::LinkNext => const { &[sc(NONE, Key::ArrowRight)] },
            UiCommand::LinkChoose => const { &[sc(NONE, Key::Enter)] },
            UiCommand::FocusAttribute => const { &[sc(NONE, Key::Enter)] },
            UiCommand::ShowStatistics
            | UiCommand::ShowStory
            | UiCommand::PracticeWithKey
            | UiCommand::Import => &[],
            UiCommand::CheckWork => const { &[sc(NONE, Key::F8)] },
            UiCommand::DeleteAnnotation => const { &[sc(NONE, Key::Delete)] },
            UiCommand::CompareWith => &[],
            UiCommand::Accept => const { &[sc(NONE, Key::A)] },
            UiCommand::Reject => const { &[sc(NONE, Key::X)] },
            UiCommand::AcceptAll => const { &[sc(SHIFT, Key::A)] },
            UiCommand::ToggleSuggestionsOnly => &[],
            UiCommand::Help => const { &[sc(NONE, Key::F1)] },
            UiCommand::Quit => const { &[sc(CMD, Key::Q)] },
        }
    }

    /// The primary shortcut (menus show this one).
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        self.shortcuts().first().copied()
    }

    /// Where the command's shortcuts act: the ones a text field also uses (letters, Delete,
    /// Escape, undo) only when no text field has focus.
    pub fn scope(self) -> Scope {
        if matches!(
            self,
            UiCommand::LinkPrev | UiCommand::LinkNext | UiCommand::LinkChoose
        ) {
            return Scope::Linking;
        }
        let typing = self.shortcuts().iter().any(|s| {
            !(s.modifiers.command
                || s.modifiers.ctrl
                || s.modifiers.alt
                || matches!(s.logical_key, Key::F1))
        });
        if typing
            || matches!(
                self,
                UiCommand::Undo
                    | UiCommand::Redo
                    | UiCommand::EndCharLeft
                    | UiCommand::EndCharRight
                    | UiCommand::StartCharLeft
                    | UiCommand::StartCharRight
            )
        {
            Scope::FreeKeyboard
        } else {
            Scope::Anywhere
        }
    }

    /// The command a shortcut already belongs to, exactly (same modifiers and key), outside
    /// link mode.
    pub fn owner_of(shortcut: KeyboardShortcut) -> Option<UiCommand> {
        UiCommand::ALL
            .into_iter()
            .find(|c| c.scope() != Scope::Linking && c.shortcuts().contains(&shortcut))
    }
}

/// A shortcut written for people: the platform's modifier names and the key's symbol
/// (`Ctrl+Shift+Z`, `Shift+[`, `Alt+←`), not egui's key names (`OpenBracket`).
pub fn shortcut_text(ctx: &egui::Context, s: &KeyboardShortcut) -> String {
    let is_mac = ctx.os().is_mac();
    let mut out = egui::ModifierNames::NAMES.format(&s.modifiers, is_mac);
    if !out.is_empty() {
        out.push('+');
    }
    out.push_str(match s.logical_key {
        Key::ArrowLeft => "←",
        Key::ArrowRight => "→",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::Escape => "Esc",
        Key::Delete => "Del",
        Key::PageUp => "PageUp",
        Key::PageDown => "PageDown",
        k => k.symbol_or_name(),
    });
    out
}

/// How many modifiers a shortcut needs: shortcuts are matched most specific first, because
/// egui matches Ctrl+Z on Ctrl+Shift+Z and Alt+← on Alt+Shift+← too.
pub fn specificity(s: &KeyboardShortcut) -> u8 {
    let m = s.modifiers;
    u8::from(m.ctrl || m.command || m.mac_cmd) + u8::from(m.shift) + u8::from(m.alt)
}

/// Every binding of the window for a scheme's tag keys `(key name, tag id)`, most specific
/// first. A tag key that a command owns is refused: the error names the tag, the key and the
/// command, and that tag gets no key.
pub fn bindings(
    tag_keys: &[(String, String)],
) -> (Vec<(KeyboardShortcut, Binding, Scope)>, Vec<String>) {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for cmd in UiCommand::ALL {
        for s in cmd.shortcuts() {
            out.push((*s, Binding::Command(cmd), cmd.scope()));
        }
    }
    for (key_name, tag) in tag_keys {
        let Some(key) = Key::from_name(key_name) else {
            refused.push(format!(
                "tag `{tag}`: `{key_name}` is not a key Tagline knows; the tag has no key"
            ));
            continue;
        };
        let shortcut = sc(NONE, key);
        if let Some(owner) = UiCommand::owner_of(shortcut) {
            refused.push(format!(
                "tag `{tag}`: key `{key_name}` is reserved for “{}”; choose another key in the scheme (the tag has no key until then)",
                owner.text()
            ));
            continue;
        }
        out.push((shortcut, Binding::Tag(tag.clone()), Scope::FreeKeyboard));
    }
    // Link-mode keys first (they share ← → Enter with the caret and attributes), then the
    // most specific shortcuts.
    out.sort_by_key(|(s, _, scope)| (*scope != Scope::Linking, std::cmp::Reverse(specificity(s))));
    (out, refused)
}

/// One row of the help window: keys and what they do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpRow {
    /// The keys, as the platform writes them ("Ctrl+Shift+Z or Ctrl+Y").
    pub keys: String,
    /// What they do.
    pub does: String,
}

/// The help window's rows, generated from the table and the scheme's tag keys
/// `(key, tag label)`; `format` writes a shortcut the platform's way.
pub fn help_rows(
    tag_keys: &[(String, String)],
    format: impl Fn(&KeyboardShortcut) -> String,
) -> Vec<HelpRow> {
    let mut rows: Vec<HelpRow> = Vec::new();
    if !tag_keys.is_empty() {
        let keys: Vec<&str> = tag_keys.iter().map(|(k, _)| k.as_str()).collect();
        let tags: Vec<&str> = tag_keys.iter().map(|(_, t)| t.as_str()).collect();
        rows.push(HelpRow {
            keys: keys.join(", "),
            does: format!(
                "Tag the selection as {} (or retag the selected annotation)",
                tags.join(", ")
            ),
        });
    }
    for cmd in UiCommand::ALL {
        let keys: Vec<String> = cmd.shortcuts().iter().map(&format).collect();
        if !keys.is_empty() {
            rows.push(HelpRow {
                keys: keys.join(" or "),
                does: cmd.text().to_owned(),
            });
        }
    }
    for (k, what) in [
        ("← → ↑ ↓, Home, End", "Move the caret in the article"),
        ("Shift + arrows", "Extend the selection"),
        ("Ctrl + ← / →", "Move by word"),
        ("Double-click", "Select a word"),
        ("Shift + click", "Extend the selection"),
        (
            "Click an annotation",
            "Select it; click again to cycle through stacked ones",
        ),
        (
            "Enter / Shift + Enter",
            "Next / previous match in the find bar",
        ),
    ] {
        rows.push(HelpRow {
            keys: k.to_owned(),
            does: what.to_owned(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_shortcut_belongs_to_two_commands() {
        let mut seen = std::collections::HashMap::new();
        for cmd in UiCommand::ALL {
            for s in cmd.shortcuts() {
                if let Some(other) = seen.insert((*s, cmd.scope() == Scope::Linking), cmd) {
                    panic!("{s:?} is bound to both {other:?} and {cmd:?}");
                }
            }
        }
    }

    #[test]
    fn bindings_are_most_specific_first_and_refuse_reserved_tag_keys() {
        let tags = [
            ("1".to_owned(), "claim".to_owned()),
            ("J".to_owned(), "quote".to_owned()),
        ];
        let (b, refused) = bindings(&tags);
        let spec: Vec<u8> = b
            .iter()
            .filter(|(_, _, scope)| *scope != Scope::Linking)
            .map(|(s, _, _)| specificity(s))
            .collect();
        assert!(spec.windows(2).all(|w| w[0] >= w[1]), "{spec:?}");
        assert!(b.iter().any(|(_, x, _)| *x == Binding::Tag("claim".into())));
        assert!(!b.iter().any(|(_, x, _)| *x == Binding::Tag("quote".into())));
        assert_eq!(refused.len(), 1);
        assert!(refused[0].contains("quote") && refused[0].contains("`J`"));
        assert!(refused[0].contains("Next annotation"), "{}", refused[0]);
    }

    #[test]
    fn help_lists_every_shortcut_of_a_command_primary_first() {
        let rows = help_rows(&[("1".into(), "Claim".into())], |s| {
            format!("{:?}{:?}", s.modifiers.shift, s.logical_key)
        });
        assert!(rows[0].does.contains("Claim"));
        let redo = rows.iter().find(|r| r.does == "Redo").unwrap();
        assert_eq!(redo.keys, "trueZ or falseY");
    }
}
