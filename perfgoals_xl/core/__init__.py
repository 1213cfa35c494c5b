"""The pure core: Grid in, Tables, Findings, totals and plans of marks out — no file, Excel or CLI library."""
