"""The standard template workbooks: their layout and filling them from data."""
