//! Everything a key can ask the console for, each with the name `[keys]` in `config.toml`,
//! `lakeops keys --json` and the `:` command line know it by. A view decides what a command
//! means on it (`window` is the chart window on a stream and the time window in `:audit`).

macro_rules! commands {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Command {
            /// Every command, in the order of this table.
            pub const ALL: &'static [Command] = &[$(Command::$variant,)*];

            /// The name configurations and the command line use.
            pub fn name(self) -> &'static str {
                match self {
                    $(Command::$variant => $name,)*
                }
            }
        }
    };
}

commands! {
    /// Show or hide every key of the view on screen.
    Help = "help",
    /// The `:` line: open a view, or run a command by name.
    CommandLine = "command-line",
    /// Read the platform again now.
    Refresh = "refresh",
    /// Close, clear the filter, or go back to the previous view.
    Back = "back",
    Quit = "quit",
    /// Cancel what runs (a query), or quit when nothing does.
    Interrupt = "interrupt",
    Up = "up",
    Down = "down",
    PageUp = "page-up",
    PageDown = "page-down",
    Top = "top",
    Bottom = "bottom",
    Left = "left",
    Right = "right",
    Filter = "filter",
    /// Yes to a dialog, or the typed line as it stands.
    Confirm = "confirm",
    /// Complete a name (the command line, the SQL editor).
    Complete = "complete",
    /// Complete backwards through the choices.
    CompleteBack = "complete-back",
    Open = "open",
    Clear = "clear",
    Sort = "sort",
    Reverse = "reverse",
    Window = "window",
    /// Name the change before the one named under the charts.
    EarlierChange = "earlier-change",
    /// Name the change after the one named under the charts (the latest is named by default).
    LaterChange = "later-change",
    /// Open the change named under the charts where it is recorded: `:audit`, or `:stack`.
    ShowChange = "show-change",
    Scale = "scale",
    Split = "split",
    Merge = "merge",
    SwitchMode = "switch-mode",
    Peek = "peek",
    PeekShard = "peek-shard",
    EnhancedMonitoring = "enhanced-monitoring",
    Follow = "follow",
    From = "from",
    WritesOnly = "writes-only",
    /// Only the changes made through lakeops (`:audit`).
    LakeopsOnly = "lakeops-only",
    ErrorsOnly = "errors-only",
    NextPane = "next-pane",
    PreviousPane = "previous-pane",
    StartRun = "start-run",
    StartRunWithArguments = "start-run-with-arguments",
    StopRun = "stop-run",
    StartCrawler = "start-crawler",
    Redrive = "redrive",
    StartWithInput = "start-with-input",
    /// Add a step to an EMR cluster from one of the profile's templates.
    AddStep = "add-step",
    /// Terminate an EMR cluster (its name typed).
    Terminate = "terminate",
    Run = "run",
    Cancel = "cancel",
    Undo = "undo",
    Redo = "redo",
    Catalog = "catalog",
    History = "history",
    Database = "database",
    Workgroup = "workgroup",
    SavedQueries = "saved-queries",
    SaveQuery = "save-query",
    CopyCell = "copy-cell",
    CopyRow = "copy-row",
    /// Copy a runbook's next suggested command to the clipboard (`:alarms`).
    CopyCommand = "copy-command",
    Export = "export",
    Plan = "plan",
    Apply = "apply",
    Discard = "discard",
    Drift = "drift",
    Delete = "delete",
}

impl Command {
    /// The command named `name`.
    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_read_back() {
        for command in Command::ALL {
            assert_eq!(Command::parse(command.name()), Some(*command));
        }
        let mut names: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Command::ALL.len());
    }
}
