//! Why a checked change is refused, naming the rule: bad input or a safety rule.

/// Why a request is refused: bad input (exit 2) or a safety rule (exit 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Invalid { rule: &'static str, message: String },
    Safety { rule: &'static str, message: String },
}

impl Refusal {
    pub fn invalid(rule: &'static str, message: String) -> Refusal {
        Refusal::Invalid { rule, message }
    }
    pub fn safety(rule: &'static str, message: String) -> Refusal {
        Refusal::Safety { rule, message }
    }

    pub fn text(&self) -> String {
        match self {
            Refusal::Invalid { rule, message } | Refusal::Safety { rule, message } => {
                format!("refused by the rule \"{rule}\": {message}")
            }
        }
    }
}
