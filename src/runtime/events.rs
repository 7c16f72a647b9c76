//! Terminal input on its own thread: a blocking read costs nothing while idle.

use crossterm::event::{self, Event};
use tokio::sync::mpsc::UnboundedSender;

use crate::app::Action;

pub fn spawn(tx: UnboundedSender<Action>) {
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || loop {
            let action = match event::read() {
                Ok(Event::Key(key)) => Action::Key(key),
                Ok(Event::Mouse(mouse)) => Action::Mouse(mouse),
                Ok(Event::Resize(width, height)) => Action::Resize { width, height },
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    let _ = tx.send(Action::Quit);
                    return;
                }
            };
            if tx.send(action).is_err() {
                return;
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!("cannot start the input thread: {e}"));
}
