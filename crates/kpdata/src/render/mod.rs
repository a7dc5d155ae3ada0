//! Renderers: turn findings into text, JSON or GitHub annotations.
