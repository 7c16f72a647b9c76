//! One request state for everything the console reads: idle, loading since when, loaded at,
//! failed with its error. Every request carries an id out with its effect and back with its
//! answer; an answer whose id is not the latest is dropped, so a slow answer to an old question
//! never lands under a newer one.

/// Which request an answer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestId(u64);

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestState {
    /// Never asked.
    Idle,
    /// Awaiting an answer since `since_ms` (monotonic).
    Loading {
        since_ms: u64,
    },
    Loaded {
        at_ms: u64,
    },
    Failed {
        at_ms: u64,
        error: String,
    },
}

/// A request's history: the one awaited, and how the last answered one went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    issued: u64,
    pending: Option<(RequestId, u64)>,
    last: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Loaded { at_ms: u64 },
    Failed { at_ms: u64, error: String },
}

impl Request {
    /// Asks, unless an answer is awaited already (one request in flight at a time).
    pub fn start(&mut self, now_ms: u64) -> Option<RequestId> {
        if self.pending.is_some() {
            return None;
        }
        Some(self.restart(now_ms))
    }

    /// Asks again now, superseding the one awaited: its answer will be dropped.
    pub fn restart(&mut self, now_ms: u64) -> RequestId {
        self.issued += 1;
        let id = RequestId(self.issued);
        self.pending = Some((id, now_ms));
        id
    }

    /// Takes the answer to `id`: true when it is the one awaited (use it), false when it was
    /// superseded or is not awaited (drop it).
    pub fn answer(&mut self, id: RequestId, now_ms: u64, outcome: Result<(), &str>) -> bool {
        if self.pending.map(|(awaited, _)| awaited) != Some(id) {
            return false;
        }
        self.pending = None;
        self.last = Some(match outcome {
            Ok(()) => Answer::Loaded { at_ms: now_ms },
            Err(error) => Answer::Failed { at_ms: now_ms, error: error.to_string() },
        });
        true
    }

    /// [`Request::answer`] for a result: true when it answers the request awaited.
    pub fn accept<T, E: std::fmt::Display>(&mut self, id: RequestId, now_ms: u64, result: &Result<T, E>) -> bool {
        match result {
            Ok(_) => self.answer(id, now_ms, Ok(())),
            Err(e) => self.answer(id, now_ms, Err(&e.to_string())),
        }
    }

    /// Stops waiting: whatever answer comes is dropped.
    pub fn forget(&mut self) {
        self.pending = None;
    }

    /// The request awaited, if one is (the id its answer must carry).
    pub fn awaited(&self) -> Option<RequestId> {
        self.pending.map(|(id, _)| id)
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    /// Whether an answer ever came (loaded or failed): the first read is done.
    pub fn answered(&self) -> bool {
        self.last.is_some()
    }

    /// Whether the last answer came more than `age_ms` before `now_ms` (and none is awaited):
    /// what a view shows again after a while off screen is read again.
    pub fn older_than(&self, now_ms: u64, age_ms: u64) -> bool {
        let at = match &self.last {
            Some(Answer::Loaded { at_ms } | Answer::Failed { at_ms, .. }) => *at_ms,
            None => return false,
        };
        self.pending.is_none() && now_ms.saturating_sub(at) > age_ms
    }

    /// The state to show: loading wins over the last answer.
    pub fn state(&self) -> RequestState {
        match (&self.pending, &self.last) {
            (Some((_, since_ms)), _) => RequestState::Loading { since_ms: *since_ms },
            (None, Some(Answer::Loaded { at_ms })) => RequestState::Loaded { at_ms: *at_ms },
            (None, Some(Answer::Failed { at_ms, error })) => {
                RequestState::Failed { at_ms: *at_ms, error: error.clone() }
            }
            (None, None) => RequestState::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_in_flight_and_superseded_answers_are_dropped() {
        let mut r = Request::default();
        assert_eq!(r.state(), RequestState::Idle);
        let first = r.start(10).unwrap();
        assert_eq!(r.start(11), None, "one request at a time");
        let second = r.restart(20);
        assert!(!r.answer(first, 30, Ok(())), "the old answer is dropped");
        assert_eq!(r.state(), RequestState::Loading { since_ms: 20 });
        assert!(r.answer(second, 40, Err("denied")));
        assert_eq!(r.state(), RequestState::Failed { at_ms: 40, error: "denied".into() });
        assert!(r.answered() && !r.is_loading());
        assert!(!r.answer(second, 50, Ok(())), "an answer counts once");
        assert!(!r.older_than(1_040, 1_000) && r.older_than(1_041, 1_000));
        r.start(1_041);
        assert!(!r.older_than(5_000, 1_000), "an answer is awaited");
    }
}
