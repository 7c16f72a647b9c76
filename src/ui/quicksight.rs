//! `:quicksight`: drawn as every added layer's view (see `resources`).

use ratatui::layout::Rect;
use ratatui::Frame;

use crate::app::App;
use crate::model::Layer;
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    super::resources::draw(app, theme, frame, area, Layer::Quicksight);
}
