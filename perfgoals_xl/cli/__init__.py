"""The command line (`perfgoals-xl`): check, clear, rules, totals, fill, schema, demo, addin, serve."""

# Exit codes, the same for every command: 0 all well, 1 the check found errors (or totals disagree),
# 2 a file could not be read or written, a setting or input is invalid, or a step could not be done.
EXIT_OK, EXIT_FOUND, EXIT_FAILED = 0, 1, 2
