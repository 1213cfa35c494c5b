"""perfgoals-xl: check Chinese budget performance target tables (绩效目标表) in Excel and in files."""

__version__ = "0.1.0"
