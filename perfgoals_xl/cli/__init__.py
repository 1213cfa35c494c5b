"""The command line (`perfgoals-xl`): check, clear, rules, totals, fill, schema, demo, addin."""
