"""The web pages: a batch report and the diff of two submissions, each one self-contained HTML file drawn from
the report model's JSON (styles, script and data inline; no request leaves the page)."""
