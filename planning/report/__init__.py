"""The check report and its renderers: text, JSON, Markdown and the one-page HTML report."""
