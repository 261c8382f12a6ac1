"""
Feedback: complaints and compliments, what is being done about each complaint, and how they come in.

- `forms.py`: the full and quick entry forms, the log's filters, the in-place status update, the CSV
  and API intake rules, themes and API tokens;
- `rows.py`: what the log's rows need to be drawn (`templates/leadership/_feedback_rows.jinja`);
- `services.py`: bulk intake (CSV and API), turning a resolved complaint into a service story, tokens;
- `views.py`: the log and its in-place updates, the edit page, the import, themes and tokens.

The model is `leadership.models.feedback`; the executive summary reads feedback through
`leadership.selectors`.
"""
