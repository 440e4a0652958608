//! What the binary's browser tests share: the served binary and a headless Chromium.
pub mod chromium;
pub mod served;
