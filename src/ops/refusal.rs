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
        let (rule, message) = self.parts();
        format!("refused by the rule \"{rule}\": {message}")
    }

    /// The journal's outcome of a change this refused: `refused: the rule "…": …` (the
    /// outcome names the verdict once).
    pub fn outcome(&self) -> String {
        let (rule, message) = self.parts();
        format!("refused: the rule \"{rule}\": {message}")
    }

    /// The rule's name and what it says of this request.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Refusal::Invalid { rule, message } | Refusal::Safety { rule, message } => (rule, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_says_refused_once() {
        let refusal = Refusal::invalid("a change", "clickstream-events already has 4 open shards".into());
        assert_eq!(refusal.text(), "refused by the rule \"a change\": clickstream-events already has 4 open shards");
        assert_eq!(refusal.outcome(), "refused: the rule \"a change\": clickstream-events already has 4 open shards");
    }
}
