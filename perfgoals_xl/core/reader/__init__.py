"""Reader: Grid in, Table models out."""

from perfgoals_xl.core.reader.tables import read_tables

__all__ = ["read_tables"]
