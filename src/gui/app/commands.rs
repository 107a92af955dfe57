//! Every user command with its menu text, tooltip and shortcut in one place, so menus,
//! shortcuts and the help window never disagree.

use egui::{Key, KeyboardShortcut, Modifiers};

/// A command a person can give from a menu, a button or the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiCommand {
    /// File → Open article…
    OpenArticle,
    /// File → Open folder…
    OpenFolder,
    /// File → Open path…
    OpenPath,
    /// Save now.
    Save,
    /// Save the annotations to another file.
    SaveCopy,
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Redo (second binding).
    RedoY,
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
    /// Delete the selected annotation.
    DeleteAnnotation,
    /// Keyboard help.
    Help,
    /// Quit.
    Quit,
}

impl UiCommand {
    /// All commands, in help order.
    pub const ALL: [UiCommand; 19] = [
        UiCommand::OpenArticle,
        UiCommand::OpenFolder,
        UiCommand::OpenPath,
        UiCommand::Save,
        UiCommand::SaveCopy,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::RedoY,
        UiCommand::Find,
        UiCommand::NextArticle,
        UiCommand::PrevArticle,
        UiCommand::ZoomIn,
        UiCommand::ZoomOut,
        UiCommand::ZoomReset,
        UiCommand::ToggleSnap,
        UiCommand::ToggleTheme,
        UiCommand::DeleteAnnotation,
        UiCommand::Help,
        UiCommand::Quit,
    ];

    /// Menu text.
    pub fn text(self) -> &'static str {
        match self {
            UiCommand::OpenArticle => "Open article…",
            UiCommand::OpenFolder => "Open folder…",
            UiCommand::OpenPath => "Open path…",
            UiCommand::Save => "Save",
            UiCommand::SaveCopy => "Save annotations as…",
            UiCommand::Undo => "Undo",
            UiCommand::Redo | UiCommand::RedoY => "Redo",
            UiCommand::Find => "Find…",
            UiCommand::NextArticle => "Next article",
            UiCommand::PrevArticle => "Previous article",
            UiCommand::ZoomIn => "Larger text",
            UiCommand::ZoomOut => "Smaller text",
            UiCommand::ZoomReset => "Default text size",
            UiCommand::ToggleSnap => "Snap selection to words",
            UiCommand::ToggleTheme => "Dark / light theme",
            UiCommand::DeleteAnnotation => "Delete annotation",
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
            UiCommand::Save => "Save the annotations now (Tagline also saves automatically)",
            UiCommand::SaveCopy => "Write the annotations to a file of your choice",
            UiCommand::Undo => "Undo the last change",
            UiCommand::Redo | UiCommand::RedoY => "Redo the change you undid",
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
            UiCommand::DeleteAnnotation => "Delete the selected annotation",
            UiCommand::Help => "Show all keyboard shortcuts",
            UiCommand::Quit => "Save and close Tagline",
        }
    }

    /// Keyboard shortcut.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let k = |m, key| Some(KeyboardShortcut::new(m, key));
        match self {
            UiCommand::OpenArticle => k(cmd, Key::O),
            UiCommand::OpenFolder => k(cmd | Modifiers::SHIFT, Key::O),
            UiCommand::OpenPath => k(cmd, Key::L),
            UiCommand::Save => k(cmd, Key::S),
            UiCommand::SaveCopy => k(cmd | Modifiers::SHIFT, Key::S),
            UiCommand::Undo => k(cmd, Key::Z),
            UiCommand::Redo => k(cmd | Modifiers::SHIFT, Key::Z),
            UiCommand::RedoY => k(cmd, Key::Y),
            UiCommand::Find => k(cmd, Key::F),
            UiCommand::NextArticle => k(cmd, Key::PageDown),
            UiCommand::PrevArticle => k(cmd, Key::PageUp),
            UiCommand::ZoomIn => k(cmd, Key::Plus),
            UiCommand::ZoomOut => k(cmd, Key::Minus),
            UiCommand::ZoomReset => k(cmd, Key::Num0),
            UiCommand::ToggleSnap => k(cmd, Key::W),
            UiCommand::ToggleTheme => k(cmd | Modifiers::SHIFT, Key::D),
            UiCommand::DeleteAnnotation => k(Modifiers::NONE, Key::Delete),
            UiCommand::Help => k(Modifiers::NONE, Key::F1),
            UiCommand::Quit => k(cmd, Key::Q),
        }
    }

    /// `true` for commands whose shortcut must not fire while a text field has focus.
    pub fn needs_free_keyboard(self) -> bool {
        matches!(
            self,
            UiCommand::DeleteAnnotation | UiCommand::Undo | UiCommand::Redo | UiCommand::RedoY
        )
    }
}
