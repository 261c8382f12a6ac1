"""Leadership: leaders, briefings, feedback and the executive summaries sent to them."""
